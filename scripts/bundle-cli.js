#!/usr/bin/env node
// The shipped CLI: the compiled tree (dist/src, from tsc) bundled by esbuild into dist/pkg, a
// few files with code splitting (lazy commands, reporters and the TUI stay lazy chunks), so a
// start resolves and compiles a handful of files instead of ~120 (cold start, issue 14/15).
// Runtime dependencies stay external (node_modules), but for Ink: Ink 6 and its own dependencies
// are ~550 modules (415 of them es-toolkit, for one `throttle`), and resolving and compiling
// them one by one cost the inspector ~0.4 s of its start (issue 15, tui-load); bundled and
// tree-shaken they load in a fraction of that. React is bundled with it (the inspector's
// components and Ink must share one React, and bundled CommonJS can only require what is
// bundled too). No source maps.
//
// dist/pkg mirrors dist/src's layout where files are found by path at run time: the entries
// (the bin, the audit worker, the proxy worker) and the preloads sit where dist/src has them, and
// every `import.meta.url` is rewritten to the URL its module would have at its dist/src place
// in dist/pkg. That only works if the code lands in a file one directory below dist/pkg (chunks/
// or cli/, live/); the build checks it and fails loudly otherwise.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '..');
const from = path.join(root, 'dist', 'src');
const out = path.join(root, 'dist', 'pkg');

// cli/run-cli.js: the CLI as a function (io passed in), so a bench or test can drive the shipped
// code with a fake terminal, as it drives dist/src.
const ENTRIES = ['cli/main.js', 'cli/run-cli.js', 'cli/parallel/audit-worker.js', 'live/proxy-thread-worker.js'];
/** Files a target process loads by path (the preloads, self-contained): copied as they are. */
const COPIED = ['live/preload/route-through-proxy.cjs', 'live/preload/route-through-proxy-esm.js'];

/** Inputs whose import.meta.url was rewritten: each must land one directory below dist/pkg. */
const rewritten = new Set();

/**
 * A bundled dependency's module, as esbuild would load it, except where it reads a file next to
 * itself through import.meta.url: in the bundle that URL is a chunk's, and the file is not there.
 * Ink reads its own package.json (name and version, for React's devtools, only when DEV=true);
 * they are written in. Any other such use fails the build rather than the user's run.
 */
function bundledDependency(file) {
  const text = readFileSync(file, 'utf8');
  if (!text.includes('import.meta.url')) return { contents: text, loader: 'js' };
  const inkManifest = "fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')";
  if (file === path.join(inkDir, 'reconciler.js') && text.split('import.meta.url').length === 2 && text.includes(inkManifest)) {
    const { name, version } = JSON.parse(readFileSync(path.join(inkDir, '..', 'package.json'), 'utf8'));
    return { contents: text.replace(inkManifest, JSON.stringify(JSON.stringify({ name, version }))), loader: 'js' };
  }
  // Yoga's emscripten loader notes its own URL as the directory for files it would fetch; its
  // WebAssembly is inlined in this very file (a data URL), so nothing is fetched from there.
  if (/[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/.test(file) && text.includes('var _scriptDir = import.meta.url;')) return { contents: text, loader: 'js' };
  throw new Error(`bundle-cli: ${path.relative(root, file)} finds files by import.meta.url, which a bundle moves`);
}

const importMetaUrl = {
  name: 'import-meta-url-as-in-dist-src',
  setup(b) {
    // .mjs and .cjs too: bundled dependencies (es-toolkit) ship modules under those names.
    b.onLoad({ filter: /\.[cm]?js$/ }, (args) => {
      if (!args.path.startsWith(from + path.sep)) return bundledDependency(args.path);
      const text = readFileSync(args.path, 'utf8');
      // React and its reconciler pick their build from NODE_ENV, which the bundle fixes (see
      // `define` below): code of ours reading it would be fixed too, without saying so.
      if (text.includes('process.env.NODE_ENV')) throw new Error(`bundle-cli: ${path.relative(root, args.path)} reads process.env.NODE_ENV, which the bundle fixes to "production"`);
      if (!text.includes('import.meta.url')) return { contents: text, loader: 'js' };
      const rel = path.relative(from, args.path).split(path.sep).join('/');
      rewritten.add(path.relative(root, args.path).split(path.sep).join('/'));
      // From a file one directory below dist/pkg, "../" + rel is where this module sits in dist/src's layout.
      const url = `new URL(${JSON.stringify(`../${rel}`)}, import.meta.url).href`;
      return { contents: text.replace(/\bimport\.meta\.url\b/g, url), loader: 'js' };
    });
  },
};

const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const require = createRequire(import.meta.url);
/** Bundled: Ink, React and what they use. Every other runtime dependency is loaded from node_modules. */
const BUNDLED = new Set(['ink', 'react']);
const external = Object.keys(pkg.dependencies ?? {}).filter((d) => !BUNDLED.has(d));
const inkDir = path.dirname(require.resolve('ink'));

/**
 * The output cache loads Ink's Output module and ANSI tokenizer from next to Ink's entry point
 * in node_modules (src/tui/render/ink-internals.ts, which only loads them; the cache checks
 * them). In the bundle Ink lives in a chunk, so that module becomes static imports of the same
 * two files, resolved from Ink's own directory, which esbuild binds to the bundled copies Ink
 * draws with.
 */
let swappedInkInternals = false;
const bundledInkInternals = {
  name: 'ink-internals-from-the-bundle',
  setup(b) {
    b.onLoad({ filter: /[\\/]tui[\\/]render[\\/]ink-internals\.js$/ }, () => {
      swappedInkInternals = true;
      return {
        resolveDir: inkDir,
        loader: 'js',
        contents: [
          "import * as output from './output.js';",
          "import * as tokenizer from '@alcalzone/ansi-tokenize';",
          'export async function inkOutputModule() { return output; }',
          'export async function inkTokenizerModule() { return tokenizer; }',
        ].join('\n'),
      };
    });
    // Ink imports React's devtools (and through them `ws`) only when DEV=true; they are not a
    // dependency of Ink's. Without them Ink prints its own hint, as it does when they are missing.
    b.onResolve({ filter: /^\.\/devtools\.js$/ }, (args) => (args.importer.startsWith(inkDir) ? { path: 'ink-devtools', namespace: 'not-bundled' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'not-bundled' }, () => ({
      loader: 'js',
      contents: "const e = new Error('React devtools are not part of the telemetry-audit package'); e.code = 'ERR_MODULE_NOT_FOUND'; throw e;",
    }));
  },
};

rmSync(out, { recursive: true, force: true });
const result = await build({
  entryPoints: ENTRIES.map((e) => path.join(from, e)),
  outbase: from,
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  // React and its reconciler pick their production or development build from NODE_ENV; the
  // CLI runs production unless asked (src/cli/tui-mode.ts), and the shipped bundle carries only
  // production: the development builds would double the inspector chunk Node compiles at start.
  // Nothing in src may read process.env.NODE_ENV itself (importMetaUrl's load refuses it).
  define: { 'process.env.NODE_ENV': '"production"' },
  // Bundled CommonJS (in Ink's dependencies) requires Node's own modules; an ES module has no
  // require of its own, and esbuild's stand-in throws without one.
  banner: { js: "import { createRequire as __taCreateRequire } from 'node:module'; const require = __taCreateRequire(import.meta.url);" },
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: false,
  metafile: true,
  logLevel: 'warning',
  plugins: [bundledInkInternals, importMetaUrl],
});

// A require() esbuild could not bundle stays a call at run time (through the banner's require):
// right for Node's own modules, wrong for a package (React from node_modules would be a second
// React beside the bundled one), so only built-ins may be left.
const unbundledRequires = [];
for (const f of Object.keys(result.metafile.outputs)) {
  for (const [, id] of readFileSync(path.join(root, f), 'utf8').matchAll(/__require\("([^"]+)"\)/g)) if (!isBuiltin(id)) unbundledRequires.push(`${f}: ${id}`);
}
if (unbundledRequires.length > 0) {
  console.error(`bundle-cli: bundled CommonJS requires a package that is not bundled:\n  ${unbundledRequires.join('\n  ')}`);
  process.exit(1);
}

// BUNDLE_META=FILE: esbuild's metafile (what each chunk holds, byte by byte), to see what a change to the bundle costs.
if (process.env.BUNDLE_META) writeFileSync(process.env.BUNDLE_META, JSON.stringify(result.metafile));
if (!swappedInkInternals) {
  console.error('bundle-cli: src/tui/render/ink-internals was not bundled: the output cache would patch a copy of Ink nobody draws with');
  process.exit(1);
}

const misplaced = [];
for (const [file, info] of Object.entries(result.metafile.outputs)) {
  const depth = path.relative(out, path.join(root, file)).split(/[\\/]/).length - 1;
  for (const input of Object.keys(info.inputs)) if (rewritten.has(input) && depth !== 1) misplaced.push(`${input} -> ${file}`);
}
if (misplaced.length > 0) {
  console.error(`bundle-cli: code that uses import.meta.url landed outside a directory one level below dist/pkg:\n  ${misplaced.join('\n  ')}`);
  process.exit(1);
}
for (const f of COPIED) {
  mkdirSync(path.dirname(path.join(out, f)), { recursive: true });
  // Without the source-map comment: maps are not shipped.
  writeFileSync(path.join(out, f), readFileSync(path.join(from, f), 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'));
}
