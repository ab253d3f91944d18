/**
 * Issue 14/15: wall time of `audit` on one small capture file against `node -e 0`, each in a
 * fresh process, alternated, medians. The identity probe runs (its git config is part of a
 * start). The ratio is the package's bin (the bundled dist/pkg, what users run); the unbundled
 * compiled tree (dist/src, what the tests run) is shown beside it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serializeCaptureLine } from '../../src/capture/capture-record.js';
import { corpusRequest } from '../corpus.js';
import { median } from '../measure.js';
import type { BenchCase } from '../run.js';

const ROUNDS = Number(process.env.BENCH_COLD_ROUNDS ?? 9);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = path.join(ROOT, (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin['telemetry-audit']!);
const UNBUNDLED = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');

function wall(args: string[], expect: number): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const ms = performance.now() - started;
  if (r.status !== expect) throw new Error(`${args.join(' ')} exited ${r.status}, expected ${expect}`);
  return ms;
}

export const bench: BenchCase = {
  name: 'cold-start',
  description: 'audit of one small capture file vs `node -e 0` (fresh processes, alternated)',
  async run() {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ta-bench-'));
    try {
      const file = path.join(dir, 'one.ndjson');
      writeFileSync(file, serializeCaptureLine(corpusRequest(1)));
      const bare: number[] = [];
      const audit: number[] = [];
      const unbundled: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        bare.push(wall(['-e', '0'], 0));
        audit.push(wall([BIN, 'audit', file], 0));
        unbundled.push(wall([UNBUNDLED, 'audit', file], 0));
      }
      const b = median(bare);
      const a = median(audit);
      const u = median(unbundled);
      return [
        `node -e 0: ${b.toFixed(0)} ms; audit of one request: ${a.toFixed(0)} ms with the bin (${path.relative(ROOT, BIN)}), ${u.toFixed(0)} ms unbundled (median of ${ROUNDS})`,
        `ratio audit/node: ${(a / b).toFixed(2)}x (unbundled ${(u / b).toFixed(2)}x)`,
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
