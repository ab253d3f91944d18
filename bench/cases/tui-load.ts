/**
 * Issue 15: how fast `inspect` loads a capture, against `audit` of the same file in the same
 * run (both through the CLI in a fresh process, both with their default threads), as request
 * rates and their ratio (target: inspect ≥ 0.8x audit). Inspect counts until its UI shows
 * every request read; audit until its JSON report is written.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCorpus } from '../corpus.js';
import { measureInChild, median } from '../measure.js';
import type { BenchCase } from '../run.js';

const REQUESTS = Number(process.env.BENCH_TUI_LOAD_REQUESTS ?? 50_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const auditWorker = fileURLToPath(new URL('../workers/audit-corpus.js', import.meta.url));
const inspectWorker = fileURLToPath(new URL('../workers/tui-load.js', import.meta.url));

export const bench: BenchCase = {
  name: 'tui-load',
  description: `inspect loading ${REQUESTS.toLocaleString('en')} wire-format requests vs audit of the same file (target ≥ 0.8x)`,
  async run() {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ta-bench-'));
    try {
      const file = path.join(dir, 'corpus.ndjson');
      await writeCorpus(file, REQUESTS);
      const audit: number[] = [];
      const inspect: number[] = [];
      let frames = 0;
      // Alternated, so drift in machine load hits both sides alike.
      for (let r = 0; r < ROUNDS; r++) {
        audit.push((await measureInChild(auditWorker, ['audit', file, '0'], { BENCH_EXPECT: String(REQUESTS) })).ms);
        const m = await measureInChild(inspectWorker, [file, String(REQUESTS)]);
        inspect.push(m.ms);
        frames = Math.max(frames, m.frames ?? 0);
      }
      const rate = (ms: number) => Math.round(REQUESTS / (ms / 1000));
      const a = rate(median(audit));
      const i = rate(median(inspect));
      return [
        `${REQUESTS.toLocaleString('en')} requests, median of ${ROUNDS} alternated rounds, ${os.availableParallelism()} cores`,
        `audit (all cores):   ${a.toLocaleString('en')} req/s`,
        `inspect (all cores): ${i.toLocaleString('en')} req/s (${frames} writes to the terminal)`,
        `ratio inspect/audit: ${(i / a).toFixed(2)}x (target >= 0.8x)`,
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
