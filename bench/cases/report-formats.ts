/**
 * Issues 7 and 14: time and peak memory of each report format over the same corpus, as ratios
 * against the streamed JSON report measured in the same run. SARIF streams, Markdown keeps only
 * its capped tables, JUnit and HTML spool what they render to disk: all should match JSON's
 * memory (issue 14: JUnit within 1.2x; HTML the same bound).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCorpus } from '../corpus.js';
import { measureInChild, median } from '../measure.js';
import type { BenchCase } from '../run.js';

const REQUESTS = Number(process.env.BENCH_REPORT_REQUESTS ?? 200_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const FORMATS = ['json', 'sarif', 'junit', 'markdown', 'html', 'text'] as const;
const worker = fileURLToPath(new URL('../workers/report-format.js', import.meta.url));

export const bench: BenchCase = {
  name: 'report-formats',
  description: `audit of ${REQUESTS.toLocaleString('en')} requests in each report format vs the streamed JSON report`,
  async run() {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ta-bench-'));
    try {
      const file = path.join(dir, 'corpus.ndjson');
      const corpusBytes = await writeCorpus(file, REQUESTS);
      const ms = new Map<string, number[]>(FORMATS.map((f) => [f, []]));
      const rss = new Map<string, number>(FORMATS.map((f) => [f, 0]));
      const out = new Map<string, number>();
      // Interleave formats within each round so drift in machine load hits all alike.
      for (let r = 0; r < ROUNDS; r++) {
        for (const f of FORMATS) {
          const m = await measureInChild(worker, [f, file]);
          ms.get(f)!.push(m.ms);
          rss.set(f, Math.max(rss.get(f)!, m.maxRssMiB));
          out.set(f, m.bytes ?? 0);
        }
      }
      const base = median(ms.get('json')!);
      const baseRss = rss.get('json')!;
      return [
        `corpus: ${REQUESTS.toLocaleString('en')} requests, ${(corpusBytes / 2 ** 20).toFixed(0)} MiB NDJSON; median of ${ROUNDS} rounds`,
        ...FORMATS.map((f) => {
          const t = median(ms.get(f)!);
          return `${f.padEnd(8)} ${(t / 1000).toFixed(2)} s (x${(t / base).toFixed(2)} of json), peak RSS ${rss.get(f)!.toFixed(0)} MiB (x${(rss.get(f)! / baseRss).toFixed(2)}), report ${(out.get(f)! / 2 ** 20).toFixed(1)} MiB`;
        }),
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
