/**
 * Issue 5: the whole opt-out matrix should take little longer than its slowest scenario. Runs
 * the built-in hasura-cli pack (its own 3 s quiet window) against the CLI emitter through the
 * built CLI, twice in the same run: all scenarios side by side (the default), and one at a time
 * (--concurrency 1), where each scenario's duration is its time alone. The ratio is the full
 * parallel matrix's wall time over the slowest scenario measured alone.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OptoutMatrix } from '../../src/optout/matrix.js';
import { median } from '../measure.js';
import type { BenchCase } from '../run.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CLI = path.join(root, 'dist', 'src', 'cli', 'main.js');
const EMITTER = path.join(root, 'fixtures', 'emitters', 'hasura-cli.mjs');

async function matrix(extra: string[]): Promise<{ wallMs: number; m: OptoutMatrix }> {
  const args = [CLI, 'optout', '--pack', 'hasura-cli', '--format', 'json', '-q', '--no-local-identity', ...extra, '--', process.execPath, EMITTER, 'version', '{{optout}}'];
  const started = performance.now();
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { PATH: process.env.PATH ?? '', HOME: mkdtempSync(path.join(os.tmpdir(), 'ta-bench-')) } });
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (text += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`optout exited ${code}: ${text.slice(-2000)}`))));
  });
  const wallMs = performance.now() - started;
  return { wallMs, m: (JSON.parse(out) as { optout: OptoutMatrix }).optout };
}

export const bench: BenchCase = {
  name: 'optout-matrix',
  description: 'hasura-cli pack (13 scenarios, 3 s quiet window): all side by side vs the slowest scenario run alone',
  async run() {
    const parallel: number[] = [];
    const parallelMatrix: number[] = [];
    let slowestParallel = 0;
    const slowestAlone: number[] = [];
    const sequential: number[] = [];
    let slowestName = '';
    for (let i = 0; i < ROUNDS; i++) {
      const all = await matrix([]);
      parallel.push(all.wallMs);
      parallelMatrix.push(all.m.timing.wallMs);
      slowestParallel = Math.max(slowestParallel, all.m.timing.slowestMs);
      const one = await matrix(['--concurrency', '1']);
      sequential.push(one.wallMs);
      slowestAlone.push(one.m.timing.slowestMs);
      slowestName = one.m.timing.slowest;
    }
    const p = median(parallel);
    const s = median(slowestAlone);
    return [
      `full matrix, all side by side: ${(p / 1000).toFixed(2)} s wall for the whole CLI process, ${(median(parallelMatrix) / 1000).toFixed(2)} s from the first scenario's start to the last one's end (median of ${ROUNDS}); slowest scenario inside it ${(slowestParallel / 1000).toFixed(2)} s`,
      `slowest scenario alone (${slowestName}): ${(s / 1000).toFixed(2)} s`,
      `one at a time, whole matrix: ${(median(sequential) / 1000).toFixed(2)} s`,
      `ratio full matrix (CLI process) / slowest scenario alone: x${(p / s).toFixed(2)}; matrix only: x${(median(parallelMatrix) / s).toFixed(2)}; one at a time / side by side: x${(median(sequential) / p).toFixed(2)}`,
    ];
  },
};
