/**
 * Child process for the audit-throughput bench. Modes:
 *   floor      the fair floor: read the NDJSON lines, JSON.parse each record AND its body, and
 *              run one combined detector regex over each body (the least any auditor must do)
 *   audit N    the audit command itself, in this process, with N threads (0: the default, all
 *              cores): read, audit with default detection and local identity, summarise, JSON
 *              report (written to a sink that discards it: the bench is not about the disk)
 */
import { createReadStream } from 'node:fs';
import { Writable } from 'node:stream';
import { splitLines } from '../../src/capture/line-splitter.js';
import { loadRunCli } from './cli-under-test.js';
import { reportMeasurement } from '../measure.js';

const [mode, file, jobs] = process.argv.slice(2);
if (!file || (mode !== 'floor' && mode !== 'audit')) throw new Error('usage: audit-corpus floor|audit FILE [JOBS]');
// Loaded before the clock starts, as a static import was: the measure is the audit, not Node
// resolving the CLI's entry (cold start has its own bench).
const runCli = mode === 'audit' ? await loadRunCli() : undefined;

// One alternation standing for the detectors: e-mail, IPv4, JWT, AWS key, PEM, home path, MAC.
const DETECT = /[\w.+-]+@[\w-]+\.[\w.-]+|\b\d{1,3}(?:\.\d{1,3}){3}\b|eyJ[\w-]{8,}\.|AKIA[0-9A-Z]{16}|-----BEGIN|\/(?:home|Users)\/[^/"]+|\b(?:[0-9a-f]{2}[:-]){5}[0-9a-f]{2}\b/gi;

const started = performance.now();
let count = 0;
let sink = 0;
if (mode === 'floor') {
  for await (const line of splitLines(createReadStream(file, { highWaterMark: 256 * 1024 }))) {
    const record = JSON.parse(line.bytes.toString('utf8')) as { body?: string; bodyBase64?: string };
    const text = record.body ?? Buffer.from(record.bodyBase64 ?? '', 'base64').toString('utf8');
    const body = JSON.parse(text) as unknown;
    sink += (text.match(DETECT)?.length ?? 0) + (body === null ? 0 : 1);
    count++;
  }
} else {
  let bytes = 0;
  const out = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      bytes += chunk.length;
      done();
    },
  });
  const args = ['audit', file, '--format', 'json', ...(jobs && jobs !== '0' ? ['--jobs', jobs] : [])];
  const code = await runCli!(args, { stdout: out, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() });
  if (code !== 1) throw new Error(`audit exited ${code}, expected 1 (the corpus has leaks)`);
  sink = bytes;
  count = Number(process.env.BENCH_EXPECT ?? 0);
}
reportMeasurement(performance.now() - started, { requests: count, sink });
