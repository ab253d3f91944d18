#!/usr/bin/env node
// The shipped CLI: the compiled tree (dist/src, from tsc) bundled by esbuild into dist/pkg, a
// few files with code splitting (lazy commands, reporters and the TUI stay lazy chunks), so a
// start resolves and compiles a handful of files instead of ~120 (cold start, issue 14/15).
// Runtime dependencies stay external (node_modules); no source maps.
//
// dist/pkg mirrors dist/src's layout where files are found by path at run time: the entries
// (the bin, the audit worker, the proxy worker) and the preloads sit where dist/src has them, and
// every `import.meta.url` is rewritten to the URL its module would have at its dist/src place
// in dist/pkg. That only works if the code lands in a file one directory below dist/pkg (chunks/
// or cli/, live/); the build checks it and fails loudly otherwise.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '..');
const from = path.join(root, 'dist', 'src');
const out = path.join(root, 'dist', 'pkg');

const ENTRIES = ['cli/main.js', 'cli/parallel/audit-worker.js', 'live/proxy-thread-worker.js'];
/** Files a target process loads by path (the preloads, self-contained): copied as they are. */
const COPIED = ['live/preload/route-through-proxy.cjs', 'live/preload/route-through-proxy-esm.js'];

/** Inputs whose import.meta.url was rewritten: each must land one directory below dist/pkg. */
const rewritten = new Set();

const importMetaUrl = {
  name: 'import-meta-url-as-in-dist-src',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return { contents: text, loader: 'js' };
      const rel = path.relative(from, args.path).split(path.sep).join('/');
      rewritten.add(path.relative(root, args.path).split(path.sep).join('/'));
      // From a file one directory below dist/pkg, "../" + rel is where this module sits in dist/src's layout.
      const url = `new URL(${JSON.stringify(`../${rel}`)}, import.meta.url).href`;
      return { contents: text.replace(/\bimport\.meta\.url\b/g, url), loader: 'js' };
    });
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
  packages: 'external',
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: false,
  metafile: true,
  logLevel: 'warning',
  plugins: [importMetaUrl],
});

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
