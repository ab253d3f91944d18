/**
 * Issue 2: audit time of a generated NDJSON corpus of wire-format requests against a loop that
 * only reads the lines and JSON.parses them (the floor), as a ratio, plus peak memory.
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
  description: `audit of ${REQUESTS.toLocaleString('en')} wire-format requests vs read+JSON.parse floor`,
  async run() {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ta-bench-'));
    try {
      const file = path.join(dir, 'corpus.ndjson');
      const bytes = await writeCorpus(file, REQUESTS);
      const floors: number[] = [];
      const audits: number[] = [];
      let auditRss = 0;
      let floorRss = 0;
      // Interleave rounds so drift in machine load hits both sides alike.
      for (let r = 0; r < ROUNDS; r++) {
        const f = await measureInChild(worker, ['floor', file]);
        const a = await measureInChild(worker, ['audit', file]);
        if (f.requests !== REQUESTS || a.requests !== REQUESTS) throw new Error(`counted ${f.requests}/${a.requests} of ${REQUESTS}`);
        floors.push(f.ms);
        audits.push(a.ms);
        floorRss = Math.max(floorRss, f.maxRssMiB);
        auditRss = Math.max(auditRss, a.maxRssMiB);
      }
      const floor = median(floors);
      const audit = median(audits);
      return [
        `corpus: ${REQUESTS.toLocaleString('en')} requests, ${(bytes / 2 ** 20).toFixed(0)} MiB NDJSON; median of ${ROUNDS} rounds`,
        `floor (read lines + JSON.parse): ${(floor / 1000).toFixed(2)} s  (${Math.round(REQUESTS / (floor / 1000)).toLocaleString('en')} req/s), peak RSS ${floorRss.toFixed(0)} MiB`,
        `audit (read, audit, summarise, JSON report): ${(audit / 1000).toFixed(2)} s  (${Math.round(REQUESTS / (audit / 1000)).toLocaleString('en')} req/s), peak RSS ${auditRss.toFixed(0)} MiB`,
        `ratio audit/floor: ${(audit / floor).toFixed(2)}x`,
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
