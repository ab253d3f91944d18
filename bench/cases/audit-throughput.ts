/**
 * Issue 15: the audit command over a generated NDJSON corpus of wire-format requests, on all
 * cores and on one thread, against the fair floor (read the lines, JSON.parse each record and
 * each body, one combined detector regex per body), as ratios, plus peak memory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCorpus } from '../corpus.js';
import { measureInChild, median } from '../measure.js';
import type { BenchCase } from '../run.js';

const REQUESTS = Number(process.env.BENCH_AUDIT_REQUESTS ?? 200_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const worker = fileURLToPath(new URL('../workers/audit-corpus.js', import.meta.url));

export const bench: BenchCase = {
  name: 'audit-throughput',
  description: `audit of ${REQUESTS.toLocaleString('en')} wire-format requests, all cores and one thread, vs the fair floor (record + body parse + one detector regex)`,
  async run() {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ta-bench-'));
    try {
      const file = path.join(dir, 'corpus.ndjson');
      const bytes = await writeCorpus(file, REQUESTS);
      const sides = { floor: ['floor', file], all: ['audit', file, '0'], one: ['audit', file, '1'] } as const;
      const ms: Record<keyof typeof sides, number[]> = { floor: [], all: [], one: [] };
      const rss: Record<keyof typeof sides, number> = { floor: 0, all: 0, one: 0 };
      // Interleave rounds so drift in machine load hits every side alike.
      for (let r = 0; r < ROUNDS; r++) {
        for (const side of Object.keys(sides) as Array<keyof typeof sides>) {
          const m = await measureInChild(worker, [...sides[side]], { BENCH_EXPECT: String(REQUESTS) });
          if (m.requests !== REQUESTS) throw new Error(`${side}: counted ${m.requests} of ${REQUESTS}`);
          ms[side].push(m.ms);
          rss[side] = Math.max(rss[side], m.maxRssMiB);
        }
      }
      const t = (side: keyof typeof sides) => median(ms[side]);
      const line = (label: string, side: keyof typeof sides) =>
        `${label}: ${(t(side) / 1000).toFixed(2)} s (${Math.round(REQUESTS / (t(side) / 1000)).toLocaleString('en')} req/s), peak RSS ${rss[side].toFixed(0)} MiB`;
      return [
        `corpus: ${REQUESTS.toLocaleString('en')} requests, ${(bytes / 2 ** 20).toFixed(0)} MiB NDJSON; median of ${ROUNDS} rounds; ${os.availableParallelism()} cores`,
        line('floor (record + body JSON.parse + one detector regex)', 'floor'),
        line(`audit, all cores (--jobs ${os.availableParallelism()})`, 'all'),
        line('audit, one thread (--jobs 1)', 'one'),
        `ratio audit/floor: all cores ${(t('all') / t('floor')).toFixed(2)}x, one thread ${(t('one') / t('floor')).toFixed(2)}x`,
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
