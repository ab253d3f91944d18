#!/usr/bin/env node
// Runs every compiled test file with node's test runner. Node 20's runner takes a directory
// but also picks up helpers, so the list of *.test.js files is built here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '..');
const testDir = path.join(root, 'dist', 'test');
const filter = process.argv.slice(2);
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.js') && (filter.length === 0 || filter.some((f) => p.includes(f)))) files.push(p);
  }
})(testDir);
if (files.length === 0) {
  console.error('no test files found under dist/test (did the build run?)');
  process.exit(1);
}
// Every temp dir the tests (and the programs they start) make goes under one directory that
// is removed afterwards, so a run leaves nothing behind in the machine's temp dir.
const tmp = mkdtempSync(path.join(os.tmpdir(), 'telemetry-audit-tests-'));
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  env: { ...process.env, TMPDIR: tmp },
});
rmSync(tmp, { recursive: true, force: true });
process.exit(r.status ?? 1);
