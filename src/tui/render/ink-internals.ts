/**
 * The two pieces of Ink's internals the output cache (ink-output-cache.ts) patches or reuses:
 * its Output class and the ANSI tokenizer it draws with. Both must be the very modules the
 * running Ink uses, or the patch lands on a class nobody draws with.
 *
 * Here they are found at run time next to Ink's entry point in node_modules, which is right for
 * the compiled tree (dist/src, what the tests run). The shipped bundle (dist/pkg) carries its own
 * copy of Ink inside a chunk, so scripts/bundle-cli.js replaces this module there with static
 * imports of the same two files, which esbuild then resolves to the bundled copies.
 * test/package/bundle.test.ts checks the shipped inspector loads nothing from node_modules/ink.
 */
import type { AnsiCodes, OutputClass } from './ink-output-cache.js';

/** Ink's Output class, as Ink itself uses it (the same module instance), or undefined. */
export async function inkOutputClass(): Promise<OutputClass | undefined> {
  try {
    const url = new URL('./output.js', import.meta.resolve('ink'));
    const mod = (await import(url.href)) as { default?: OutputClass };
    return typeof mod.default === 'function' ? mod.default : undefined;
  } catch {
    return undefined;
  }
}

/** `@alcalzone/ansi-tokenize` as Ink resolves it (from Ink's own directory), or undefined. */
export async function inkAnsiCodes(): Promise<AnsiCodes | undefined> {
  try {
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
    if (typeof entry !== 'string') return undefined;
    const mod = (await import(pathToFileURL(path.join(path.dirname(manifestPath), entry)).href)) as Partial<AnsiCodes>;
    return codesOf(mod);
  } catch {
    return undefined;
  }
}

/** The tokenizer's two functions, if the module has them. */
function codesOf(mod: Partial<AnsiCodes>): AnsiCodes | undefined {
  if (typeof mod.diffAnsiCodes !== 'function' || typeof mod.ansiCodesToString !== 'function') return undefined;
  return { diffAnsiCodes: mod.diffAnsiCodes, ansiCodesToString: mod.ansiCodesToString };
}
