/**
 * Where the two modules of Ink's internals the output cache (ink-output-cache.ts) patches or
 * reuses come from: Ink's Output class and the ANSI tokenizer it draws with. Both must be the
 * very modules the running Ink uses, or the patch lands on a class nobody draws with. What they
 * must hold is checked there; this only loads them.
 *
 * Here they are found at run time next to Ink's entry point in node_modules, which is right for
 * the compiled tree (dist/src, what the tests run). The shipped bundle (dist/pkg) carries its own
 * copy of Ink inside a chunk, so scripts/bundle-cli.js replaces this module there with static
 * imports of the same two files, which esbuild then resolves to the bundled copies.
 * test/package/bundle.test.ts checks the shipped inspector loads nothing from node_modules/ink.
 */

/** The module `ink/build/output.js`, as Ink itself imports it (the same module instance). */
export async function inkOutputModule(): Promise<unknown> {
  return import(new URL('./output.js', import.meta.resolve('ink')).href);
}

/** `@alcalzone/ansi-tokenize` as Ink resolves it (from Ink's own directory). */
export async function inkTokenizerModule(): Promise<unknown> {
  const { createRequire } = await import('node:module');
  const { fileURLToPath, pathToFileURL } = await import('node:url');
  const { readFileSync } = await import('node:fs');
  const path = await import('node:path');
  const require = createRequire(fileURLToPath(import.meta.resolve('ink')));
  // The package exports only an `import` entry, which require.resolve cannot take; its
  // package.json is exported, and names the entry.
  const manifestPath = require.resolve('@alcalzone/ansi-tokenize/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports?: { '.'?: { import?: string } } };
  const entry = manifest.exports?.['.']?.import;
  if (typeof entry !== 'string') throw new Error('@alcalzone/ansi-tokenize names no import entry');
  return import(pathToFileURL(path.join(path.dirname(manifestPath), entry)).href);
}
