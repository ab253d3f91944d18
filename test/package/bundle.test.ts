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
import { BIN, CLI, FIXTURES, REPO_ROOT } from '../helpers/paths.js';
import { runCli, runCliJson } from '../helpers/run-cli.js';
import { TmuxSession, tmuxVersion } from '../helpers/tmux.js';

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

  // Ink and React are bundled into the shipped inspector (scripts/bundle-cli.js), with the output
  // cache's lookup of Ink's internals swapped for the bundled copies: the shipped inspector must
  // draw what dist/src's draws, and must not reach for any of them in node_modules (a second
  // React, or an output cache patched onto a copy of Ink nobody draws with).
  const tmux = tmuxVersion();
  it('inspects in a real terminal as dist/src does, with Ink and React from the bundle', { skip: tmux ? false : 'tmux is not installed (.ci/run installs it)' }, async () => {
    const corpus = path.join(FIXTURES, 'hasura');
    const log = path.join(dir, 'inspect-loads.log');
    const recorder = pathToFileURL(path.join(REPO_ROOT, 'dist', 'test', 'helpers', 'record-loads.js')).href;
    const screens: string[] = [];
    for (const cli of [CLI, BIN]) {
      const env: Record<string, string> = cli === BIN ? { TA_LOAD_LOG: log } : {};
      const t = new TmuxSession([process.execPath, ...(cli === BIN ? ['--import', recorder] : []), cli, 'inspect', '--no-local-identity', corpus], { env });
      try {
        // The header says "… reading" until the last input is read.
        const loaded = await t.waitFor((screen) => /FAIL \(exit 1\)/.test(screen) && !screen.includes('… reading'));
        // Down once: a keypress goes through Ink's input, React's update and the row cache.
        t.send('j');
        const moved = await t.waitFor((s) => s !== loaded && /"command": "hasura migrate apply/.test(s));
        screens.push(`${loaded}\n----\n${moved}`);
        t.send('q');
        assert.equal(await t.exitCode(), 1);
      } finally {
        t.kill();
      }
    }
    assert.equal(screens[1], screens[0]);
    const files = readFileSync(log, 'utf8').split('\n').filter((u) => u.startsWith('file:'));
    assert.ok(files.some((u) => /\/dist\/pkg\/chunks\/run-inspector-/.test(u)), 'the control: the recorder sees the inspector chunk load');
    assert.deepEqual(files.filter((u) => /\/node_modules\/(ink|react|react-reconciler|scheduler|yoga-layout|es-toolkit|@alcalzone)\//.test(u)), []);
    assert.deepEqual(files.filter((u) => u.includes('/dist/src/')), []);
  });
});
