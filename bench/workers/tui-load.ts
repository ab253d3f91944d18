/**
 * Child process for the tui-load bench: `inspect FILE` as a person runs it, through the CLI
 * (runCli) on a 120x40 terminal, from the start of the command until the UI shows every
 * request read and the reading finished; then `q`. Prints one JSON line: {ms, requests, frames}.
 */
import { Writable } from 'node:stream';
import { reportMeasurement } from '../measure.js';
import { loadRunCli } from './cli-under-test.js';
import { Keyboard, Terminal } from './fake-terminal.js';

// Ink decides at import whether it runs in CI (where it draws no frames); the bench measures
// the interactive terminal, whatever runs it.
for (const k of ['CI', 'CONTINUOUS_INTEGRATION']) process.env[k] = 'false';
const runCli = await loadRunCli();

const [file, expectArg, jobs] = process.argv.slice(2);
const expected = Number(expectArg);
if (!file || !expected) throw new Error('usage: tui-load FILE REQUESTS [JOBS]');

const stdout = new Terminal();
const stdin = new Keyboard();
const stderr = new Writable({ write: (c, _e, cb) => { if (process.env.BENCH_DEBUG) process.stderr.write(c); cb(); } });
const count = `${expected} requests (`;
let sawAll = false;
let doneAt = 0;
let frames = 0;
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;
stdout.on('frame', (raw: string) => {
  frames++;
  if (doneAt) return;
  const chunk = raw.replace(ANSI, '');
  if (chunk.includes(count)) sawAll = true;
  // The header's first line says "… reading" until the last input is read.
  if (sawAll && chunk.includes('telemetry-audit inspect ·') && !chunk.includes('… reading')) {
    doneAt = performance.now();
    setImmediate(() => stdin.press('q'));
  }
});
const started = performance.now();
const args = ['inspect', file, ...(jobs ? ['--jobs', jobs] : [])];
const code = await runCli(args, { stdout: stdout as unknown as NodeJS.WriteStream, stderr, stdin: stdin as unknown as NodeJS.ReadStream, env: process.env, cwd: process.cwd() });
if (!doneAt) throw new Error(`inspect exited ${code} before showing ${expected} requests read`);
if (code !== 1) throw new Error(`inspect exited ${code}, expected 1 (the corpus has leaks)`);
// Ink's cursor restore writes "show cursor" to the real stderr at exit; the bench's terminal
// was a fake one, so keep that escape out of the bench output.
process.stderr.write = (() => true) as typeof process.stderr.write;
reportMeasurement(doneAt - started, { requests: expected, frames });
