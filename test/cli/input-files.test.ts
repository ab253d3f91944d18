/**
 * What the CLI reads and writes on disk: directory inputs read every capture file once
 * (dotfiles, dot-directories, any-case extensions, through symlink loops) and say what they
 * did not read; outputs never overwrite an input or the policy; capture files are private.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { writePieces } from '../../src/tui/effects/write-lines.js';
import { runCli, runCliJson } from '../helpers/run-cli.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'ta-files-'));
const URL_ = 'https://telemetry.hasura.io/v1/http';
const payload = { topic: 'cli', data: { uuid: 'e462ce20-42dd-40fd-9549-edfb92f80455', server_uuid: '', execution_id: 'ddfa9c33-0693-457d-9026-c7f456c43322', os_platform: 'darwin', os_arch: 'arm64', version: 'v2.36.0', server_version: '', command: 'hasura init', is_error: false, payload: null } };
const record = (extra = '') => `{"method":"POST","url":"${URL_}","transport":"http","headers":[],"body":${JSON.stringify(JSON.stringify({ ...payload, ...(extra ? { extra } : {}) }))}}\n`;

interface Report {
  exitCode: number;
  notes: string[];
  requests: Array<{ origin: { file?: string }; verdict: string }>;
}

describe('directory inputs', () => {
  it('reads dotfiles, dot-directories and X.NDJSON; lists what it did not read in the notes', async () => {
    const dir = tmp();
    mkdirSync(path.join(dir, '.hidden'));
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'a.ndjson'), record());
    // Leaky ones (an unknown field fails the audit) where the old reader did not look.
    writeFileSync(path.join(dir, '.dot.ndjson'), record('leak'));
    writeFileSync(path.join(dir, '.hidden', 'b.ndjson'), record('leak'));
    writeFileSync(path.join(dir, 'sub', 'C.NDJSON'), record('leak'));
    writeFileSync(path.join(dir, 'notes.txt'), 'not a capture');
    const { code, report } = await runCliJson<Report>(['audit', dir, '--format', 'json'], { timeoutMs: 120_000 });
    assert.equal(code, 1);
    const files = report.requests.map((r) => path.basename(r.origin.file ?? '')).sort();
    assert.deepEqual(files, ['.dot.ndjson', 'C.NDJSON', 'a.ndjson', 'b.ndjson']);
    assert.ok(report.notes.some((n) => /1 not read \(no capture extension: .*\): .*notes\.txt/.test(n)), report.notes.join('\n'));
  });

  it('symlink loops end, and each real file is read once', async () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'd'));
    writeFileSync(path.join(dir, 'd', 'a.ndjson'), record());
    symlinkSync('.', path.join(dir, 'd', 'l1'));
    symlinkSync('.', path.join(dir, 'd', 'l2'));
    symlinkSync('..', path.join(dir, 'd', 'up'));
    symlinkSync('a.ndjson', path.join(dir, 'd', 'alias.json'));
    const { code, report } = await runCliJson<Report>(['audit', path.join(dir, 'd'), '--format', 'json'], { timeoutMs: 120_000 });
    assert.equal(code, 0);
    assert.equal(report.requests.length, 1);
    assert.ok(report.notes.some((n) => /3 not read \(a link to a directory already read\)/.test(n)), report.notes.join('\n'));
  });

  it('diff, shape and policy infer say what a directory held that they did not read', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'a.ndjson'), record());
    // A name a payload could control: its control characters must reach the terminal escaped.
    writeFileSync(path.join(dir, 'notes\u001b[2J.txt'), 'not a capture');
    for (const argv of [['diff', dir, dir], ['shape', dir], ['policy', 'infer', dir]]) {
      const r = await runCli(argv, { timeoutMs: 120_000 });
      assert.equal(r.code, 0, `${argv[0]}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`telemetry-audit ${argv.slice(0, argv[0] === 'policy' ? 2 : 1).join(' ')}: note: .*1 not read \\(no capture extension: .*\\): .*notes\\\\u001b\\[2J\\.txt`), `${argv[0]}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /\u001b/);
    }
  });
});

describe('outputs never overwrite what the command reads', () => {
  it('audit X -o X is a usage error and leaves X intact', async () => {
    const dir = tmp();
    const file = path.join(dir, 'c.ndjson');
    writeFileSync(file, record());
    const r = await runCli(['audit', file, '-o', file]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /--output .*c\.ndjson would overwrite input/);
    assert.equal(readFileSync(file, 'utf8'), record());
    // Through a symlink too, and for a file inside a directory input.
    symlinkSync(file, path.join(dir, 'link.ndjson'));
    const r2 = await runCli(['audit', dir, '-o', path.join(dir, 'link.ndjson')]);
    assert.equal(r2.code, 2, r2.stdout + r2.stderr);
    assert.equal(readFileSync(file, 'utf8'), record());
  });

  it('--save or --har naming the policy file is a usage error, before anything runs', async () => {
    const dir = tmp();
    const policy = path.join(dir, 'p.json');
    writeFileSync(policy, '{}');
    for (const opt of ['--save', '--har', '-o']) {
      const r = await runCli(['run', '--policy', policy, opt, policy, '--', process.execPath, '-e', `require('fs').writeFileSync(${JSON.stringify(path.join(dir, 'ran'))}, '')`]);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /would overwrite --policy/);
      assert.equal(readFileSync(policy, 'utf8'), '{}');
    }
    const r = await runCli(['run', '--save', path.join(dir, 'x'), '--har', path.join(dir, 'x'), '--', process.execPath, '-e', '']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /name the same file/);
  });
});

describe('capture files are private', () => {
  it('run --save and --har create 0600 files, and narrow an existing 0644 one', async () => {
    const dir = tmp();
    const save = path.join(dir, 'c.ndjson');
    const har = path.join(dir, 'c.har');
    writeFileSync(har, '');
    chmodSync(har, 0o644);
    await runCli(['run', '-q', '--no-trace', '--save', save, '--har', har, '--', process.execPath, '-e', ''], { timeoutMs: 120_000 });
    assert.equal(statSync(save).mode & 0o777, 0o600);
    assert.equal(statSync(har).mode & 0o777, 0o600);
  });

  it("the TUI's saves are created 0600", async () => {
    const file = path.join(tmp(), 'saved.ndjson');
    await writePieces(file, ['{}\n']);
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });
});
