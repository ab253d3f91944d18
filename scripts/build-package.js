#!/usr/bin/env node
// The build that ships (npm pack, npm install from git, npm install -g): src only, no source
// maps, into a clean dist/src so a file deleted from src never lingers in a package; then
// bundled into dist/pkg (scripts/bundle-cli.js), which is what the package holds.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '..');
rmSync(path.join(root, 'dist', 'src'), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
if (r.status !== 0) process.exit(r.status ?? 1);
const b = spawnSync(process.execPath, [path.join(root, 'scripts', 'bundle-cli.js')], { stdio: 'inherit', cwd: root });
process.exit(b.status ?? 1);
