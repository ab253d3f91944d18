/**
 * The bundled bin (dist/pkg, what the package ships) behaves as the compiled tree the rest of
 * the suite tests (dist/src): the same bytes on stdout, the same exit codes, through the paths
 * that find files by URL at run time (the audit worker, the proxy worker, the preloads, the
 * version from package.json), and it never reaches back into dist/src.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { BIN, FIXTURES, REPO_ROOT } from '../helpers/paths.js';
import { runCli, runCliJson } from '../helpers/run-cli.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ta-bundle-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Read times differ between two runs; nothing else may. */
const untimed = (json: string) => json.replace(/"time":"[^"]*"/g, '"time":"T"');

describe('the bundled bin', () => {
  it('audits as dist/src does: text, SARIF and JSON reports byte for byte, exit codes, one thread against the worker pool', async () => {
    for (const format of ['text', 'sarif', 'json']) {
      const args = ['audit', 'fixtures/hasura', '--format', format, '--no-local-identity'];
      const tree = await runCli(args);
      const bundled = await runCli([...args, '--jobs', '2'], { cli: BIN });
      assert.equal(tree.code, 1, tree.stderr);
      assert.equal(bundled.code, 1, bundled.stderr);
      assert.ok(tree.stdout.length > 1000, 'the control: a real report');
      assert.equal(untimed(bundled.stdout), untimed(tree.stdout), format);
      assert.equal(bundled.stderr, tree.stderr);
    }
  });

  it('--version (read from package.json by URL) and --help are the same', async () => {
    for (const args of [['--version'], ['--help'], ['audit', '--help']]) {
      const tree = await runCli(args);
      const bundled = await runCli(args, { cli: BIN });
      assert.equal(bundled.code, tree.code);
      assert.equal(bundled.stdout, tree.stdout);
    }
    assert.match((await runCli(['--version'], { cli: BIN })).stdout, /^\d+\.\d+\.\d+\n$/);
  });

  it('captures a live target through its proxy worker and preload', async () => {
    const args = ['run', '--format', 'json', '--', process.execPath, path.join(FIXTURES, 'emitters', 'hasura-cli.mjs'), 'version'];
    const { code, report } = await runCliJson<{ exitCode: number; requests: Array<{ kind: string | null }> }>(args, { cli: BIN, timeoutMs: 90_000 });
    assert.equal(code, 0);
    assert.deepEqual(report.requests.map((q) => q.kind), ['cli-flat']);
  });

  it('loads nothing from dist/src, and only the chunks an audit needs', () => {
    const log = path.join(dir, 'loads.log');
    const recorder = path.join(REPO_ROOT, 'dist', 'test', 'helpers', 'record-loads.js');
    const r = spawnSync(process.execPath, ['--import', pathToFileURL(recorder).href, BIN, 'audit', 'fixtures/hasura/leaky/cookie-header.ndjson'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: dir, TA_LOAD_LOG: log, NO_COLOR: '1' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 1, r.stderr);
    const files = readFileSync(log, 'utf8').split('\n').filter((u) => u.startsWith('file:'));
    const pkg = pathToFileURL(path.join(REPO_ROOT, 'dist', 'pkg')).href + '/';
    assert.ok(files.some((u) => u.startsWith(pkg)), 'the control: the recorder sees the bundle load');
    assert.deepEqual(files.filter((u) => u.includes('/dist/src/')), []);
    // Lazy chunks stay lazy: the TUI, live capture and zod are not loaded by an audit.
    assert.deepEqual(files.filter((u) => /\/node_modules\/(ink|react|zod|yaml|ws|@peculiar)\//.test(u)), []);
  });
});
