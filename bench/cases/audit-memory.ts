/**
 * Issue 15: peak memory of the audit command (all cores, JSON report) over 1M requests against
 * 100k: a streaming audit's memory does not grow with the capture.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCorpus } from '../corpus.js';
import { measureInChild } from '../measure.js';
import type { BenchCase } from '../run.js';

const SMALL = Number(process.env.BENCH_MEMORY_SMALL ?? 100_000);
const LARGE = Number(process.env.BENCH_MEMORY_LARGE ?? 1_000_000);
const worker = fileURLToPath(new URL('../workers/audit-corpus.js', import.meta.url));

export const bench: BenchCase = {
  name: 'audit-memory',
  description: `peak RSS of audit over ${LARGE.toLocaleString('en')} vs ${SMALL.toLocaleString('en')} requests (one run each)`,
  async run() {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ta-bench-'));
    try {
      const rss: number[] = [];
      for (const n of [SMALL, LARGE]) {
        const file = path.join(dir, `corpus-${n}.ndjson`);
        await writeCorpus(file, n);
        const m = await measureInChild(worker, ['audit', file, '0'], { BENCH_EXPECT: String(n) });
        rss.push(m.maxRssMiB);
        rmSync(file);
      }
      return [
        `${SMALL.toLocaleString('en')} requests: peak RSS ${rss[0]!.toFixed(0)} MiB; ${LARGE.toLocaleString('en')}: ${rss[1]!.toFixed(0)} MiB`,
        `ratio large/small: ${(rss[1]! / rss[0]!).toFixed(2)}x`,
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
