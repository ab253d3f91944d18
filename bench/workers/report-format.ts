/**
 * Child process for the report-formats bench: the audit command in-process over a corpus, its
 * report in one format written to a sink that discards it (the bench is not about the disk).
 */
import { Writable } from 'node:stream';
import { runCli } from '../../src/cli/run-cli.js';
import { reportMeasurement } from '../measure.js';

const [format, file] = process.argv.slice(2);
if (!format || !file) throw new Error('usage: report-format FORMAT FILE');

let bytes = 0;
const sink = new Writable({
  write(chunk: Buffer | string, _enc, done) {
    bytes += chunk.length;
    done();
  },
});
const started = performance.now();
const code = await runCli(['audit', file, '--format', format], { stdout: sink, stderr: process.stderr, stdin: process.stdin, env: { NO_COLOR: '1' }, cwd: process.cwd() });
if (code !== 1) throw new Error(`audit exited ${code}, expected 1 (the corpus has leaks)`);
reportMeasurement(performance.now() - started, { bytes });
