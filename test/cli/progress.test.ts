/**
 * Progress on stderr. The throttle and the line itself on a driven clock; then for real, in a
 * pseudo-terminal (tmux), with every byte the terminal received logged by `pipe-pane`: `audit`
 * of files on the worker pool (--jobs) shows counts and rate, the file being read (its control
 * characters escaped), the report being written, and erases its line; `audit -` reading a FIFO
 * shows the count on screen while the input stalls and erases it at the end. Not a terminal,
 * CI=1 and --quiet: not one progress byte.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it, mock } from 'node:test';
import { serializeCaptureLine } from '../../src/capture/capture-record.js';
import type { RequestResult } from '../../src/engine/audit-request.js';
import { Progress, PROGRESS_INTERVAL_MS } from '../../src/cli/progress.js';
import { CLI } from '../helpers/paths.js';
import { cliEnveloped, httpRequest } from '../helpers/requests.js';
import { runCli } from '../helpers/run-cli.js';
import { TmuxSession, tmuxVersion } from '../helpers/tmux.js';

const UA: Array<[string, string]> = [['user-agent', 'Go-http-client/1.1']];
const ERASE = '\r\x1b[K';

function captureLines(n: number, leakEvery = 0): string {
  let out = '';
  for (let i = 0; i < n; i++) {
    const leak = leakEvery > 0 && i % leakEvery === 0;
    out += serializeCaptureLine(httpRequest(cliEnveloped(leak ? { command: `hasura version user${i}@acme-corp.example` } : {}), { id: `r${i}`, headers: UA }));
  }
  return out;
}

/** A terminal stream that records what was written. */
function fakeTerminal(columns = 100): NodeJS.WritableStream & { isTTY: boolean; columns: number; text: () => string } {
  const chunks: string[] = [];
  const w = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return Object.assign(w, { isTTY: true, columns, text: () => chunks.join('') });
}

const result = (file: string, verdict: RequestResult['verdict'] = 'pass'): RequestResult => ({
  request: httpRequest({}, { origin: { kind: 'file', file, format: 'ndjson', line: 1 } }),
  kind: 'cli',
  verdict,
  findings: [],
});

/** The frames drawn: what follows each erase, without the erases themselves. */
const frames = (log: string) => log.split(ERASE).filter((f) => /^(auditing|writing)/.test(f));

describe('progress line (driven clock)', () => {
  it('shown only at a terminal, outside CI, without --quiet', () => {
    const tty = { isTTY: true } as unknown as NodeJS.WritableStream;
    const pipe = {} as NodeJS.WritableStream;
    assert.deepEqual(Progress.decide({ stderr: tty, env: {} }, false), { show: true });
    assert.deepEqual(Progress.decide({ stderr: tty, env: { CI: 'false' } }, false), { show: true });
    assert.deepEqual(Progress.decide({ stderr: pipe, env: {} }, false), { show: false, reason: 'stderr is not a terminal' });
    assert.deepEqual(Progress.decide({ stderr: tty, env: { CI: '1' } }, false), { show: false, reason: 'CI is set' });
    assert.deepEqual(Progress.decide({ stderr: tty, env: { CI: 'true' } }, false), { show: false, reason: 'CI is set' });
    assert.deepEqual(Progress.decide({ stderr: tty, env: { TERM: 'dumb' } }, false), { show: false, reason: 'TERM is dumb' });
    assert.deepEqual(Progress.decide({ stderr: tty, env: {} }, true), { show: false, reason: '--quiet' });
  });

  it('at most one redraw per interval, with a trailing one; counts, rate, failing; erased at the end', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      let now = 0;
      const term = fakeTerminal();
      const p = Progress.for({ stderr: term, env: {} }, false, { now: () => now })!;
      // 10 simulated seconds, a request every millisecond.
      for (let i = 0; i < 10_000; i++) {
        p.request(result('a.ndjson', i % 10 === 0 ? 'fail' : 'pass'));
        now += 1;
        mock.timers.tick(1);
      }
      const drawn = frames(term.text());
      assert.ok(drawn.length <= 10_000 / PROGRESS_INTERVAL_MS + 2, `${drawn.length} redraws in 10 s`);
      assert.ok(drawn.length >= 10_000 / PROGRESS_INTERVAL_MS - 2, `${drawn.length} redraws in 10 s`);
      // A request inside the interval is drawn when the interval ends (the trailing redraw).
      p.request(result('b.ndjson'));
      const before = frames(term.text()).length;
      mock.timers.tick(PROGRESS_INTERVAL_MS);
      const last = frames(term.text()).at(-1)!;
      assert.equal(frames(term.text()).length, before + 1);
      assert.equal(last, 'auditing: 10,001 requests · 1,000/s · 1,000 failing · b.ndjson');
      p.writing('report.html', 3 << 20);
      now += PROGRESS_INTERVAL_MS;
      p.writing('report.html', 5 << 20);
      assert.equal(frames(term.text()).at(-1), 'writing report.html: 5.0 MiB · 10,001 requests audited');
      p.done();
      assert.ok(term.text().endsWith(ERASE), 'the line is erased at the end');
      const length = term.text().length;
      p.request(result('c.ndjson'));
      mock.timers.tick(PROGRESS_INTERVAL_MS * 2);
      assert.equal(term.text().length, length, 'nothing after done()');
    } finally {
      mock.timers.reset();
    }
  });

  it('names from the input are escaped, and the line fits the terminal', () => {
    const term = fakeTerminal(40);
    const p = Progress.for({ stderr: term, env: {} }, false)!;
    p.request(result('evil\x1b]0;owned\x07\u202e.ndjson'));
    p.done();
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(term.text().replaceAll(ERASE, ''), /[\u0000-\u001f\u007f-\u009f\u202e]/);
    for (const f of frames(term.text())) assert.ok([...f].length <= 39, f);
    const wide = fakeTerminal(200);
    const q = Progress.for({ stderr: wide, env: {} }, false)!;
    q.request(result('evil\x1b]0;owned\x07\u202e.ndjson'));
    q.done();
    assert.match(frames(wide.text())[0]!, /evil\\u001b\]0;owned\\u0007\\u202e\.ndjson$/);
  });
});

const tmux = tmuxVersion();
if (!tmux) console.log('# progress terminal tests skipped: tmux is not installed');

describe('progress in a real terminal (tmux)', { skip: tmux ? false : 'tmux is not installed' }, () => {
  let dir: string;
  const sessions: TmuxSession[] = [];
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ta-progress-'));
  });
  after(() => {
    for (const s of sessions) s.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Run the CLI in a terminal; every byte the terminal gets is logged; returns the log and the exit code. */
  async function inTerminal(args: string[], env: Record<string, string> = {}): Promise<{ log: string; code: number }> {
    // The command waits for a line from the terminal, so the log is attached before it starts.
    const s = new TmuxSession(['sh', '-c', 'read go && exec "$@"', 'sh', process.execPath, CLI, ...args], { env: { NO_COLOR: '1', ...env } });
    sessions.push(s);
    const log = path.join(s.dir, 'pane.log');
    s.tmux('pipe-pane', '-t', 'main', '-o', `cat >> '${log}'`);
    s.send('Enter');
    const code = await s.exitCode(120_000);
    // pipe-pane copies asynchronously: wait for the last line the CLI prints.
    await waitUntil(() => existsSync(log) && /Verdict: /.test(readFileSync(log, 'utf8')), `the verdict in the pane log`);
    return { log: readFileSync(log, 'utf8'), code };
  }

  it('audit of files on the worker pool: counts, rate, escaped file name, the report being written; erased at the end', { timeout: 180_000 }, async () => {
    const inputs = path.join(dir, 'captures');
    mkdirSync(inputs);
    const evil = 'evil\x1b]0;owned\x07.ndjson';
    // Past the 2,048 requests after which the pool starts.
    writeFileSync(path.join(inputs, evil), captureLines(3000, 100));
    const out = path.join(dir, 'report.junit.xml');
    const { log, code } = await inTerminal(['audit', inputs, '--jobs', '2', '-o', out, '--no-local-identity']);
    assert.equal(code, 1);
    const drawn = frames(log);
    const audit = drawn.filter((f) => f.startsWith('auditing'));
    assert.ok(audit.length >= 1, log.slice(0, 2000));
    // The path is cut at its start to fit 120 columns; the file name stays.
    for (const f of audit) assert.match(f, /^auditing: [\d,]+ requests? · [\d,]+\/s( · [\d,]+ failing)? · …?.*evil\\u001b\]0;owned\\u0007\.ndjson$/);
    for (const f of drawn) assert.ok([...f].length <= 119, f);
    // The last count is the whole input: results from the pool are counted.
    assert.match(audit.at(-1)!, /^auditing: 3,000 requests · [\d,]+\/s · 30 failing · /);
    assert.match(drawn.at(-1)!, /^writing \/.*\/report\.junit\.xml: [\d.]+ (KiB|MiB) · 3,000 requests audited$/);
    assert.ok(!log.includes('\x1b]0;owned'), 'the file name never reaches the terminal raw');
    // Erased before the summary on stdout, and nothing drawn after it.
    const summaryAt = log.indexOf('Requests: 3000');
    assert.ok(summaryAt > 0);
    assert.ok(log.lastIndexOf(ERASE) < summaryAt);
    assert.equal(frames(log.slice(summaryAt)).length, 0);
    assert.ok(readFileSync(out, 'utf8').includes('</testsuites>'));
  });

  it('audit - from a stalled pipe: the count is on screen while it waits, gone when it ends', { timeout: 180_000 }, async () => {
    const fifo = path.join(dir, 'in.fifo');
    const made = spawnSync('mkfifo', [fifo]);
    assert.equal(made.status, 0, String(made.stderr));
    const s = new TmuxSession([process.execPath, CLI, 'audit', '-', '-o', path.join(dir, 'stdin.json'), '--no-local-identity'], { env: { NO_COLOR: '1' }, stdinFile: fifo });
    sessions.push(s);
    const writer = createWriteStream(fifo);
    writer.write(captureLines(300, 50));
    // The input stalls here: the last count must still be drawn.
    const screen = await s.waitFor(/auditing: 300 requests · [\d,]+\/s · 6 failing · <stdin>/, 60_000);
    assert.match(screen, /auditing: 300 requests/);
    await new Promise<void>((resolve) => writer.end(captureLines(200), resolve));
    assert.equal(await s.exitCode(60_000), 1);
    const final = await s.waitFor(/Verdict: FAIL/);
    assert.match(final, /Requests: 500 /);
    assert.doesNotMatch(final, /auditing:/, 'the progress line was erased');
  });

  for (const [name, args, env] of [
    ['CI=1', [], { CI: '1' }],
    ['--quiet', ['--quiet'], {}],
  ] as const) {
    it(`${name}: no progress bytes at all`, { timeout: 120_000 }, async () => {
      const file = path.join(dir, `quiet-${name.replace(/\W/g, '')}.ndjson`);
      writeFileSync(file, captureLines(500, 100));
      const { log, code } = await inTerminal(['audit', file, ...args, '-o', path.join(dir, `${name.replace(/\W/g, '')}.json`), '--no-local-identity'], env);
      assert.equal(code, 1);
      assert.ok(!log.includes('auditing') && !log.includes('\x1b[K'), JSON.stringify(log.slice(0, 500)));
    });
  }

  it('stderr not a terminal: no progress bytes', async () => {
    const file = path.join(dir, 'pipe.ndjson');
    writeFileSync(file, captureLines(500, 100));
    const r = await runCli(['audit', file, '-o', path.join(dir, 'pipe.json'), '--no-local-identity'], { env: { CI: 'false' } });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, '');
    assert.doesNotMatch(r.stdout, /auditing|\r/);
  });
});

async function waitUntil(ok: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (ok()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
