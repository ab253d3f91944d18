/**
 * Issues 3 and 15: audit time with 10 sensitive terms vs 10,000 on the same corpus, as a ratio. Every
 * variant of every term (raw, URL, JSON and HTML escapes, hex, base64 at three alignments,
 * md5/sha1/sha256/sha512) is in one Aho-Corasick automaton, so the search is one pass whose
 * cost should not grow with the number of terms. Target: ratio <= 1.3.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCorpus } from '../corpus.js';
import { measureInChild, median } from '../measure.js';
import type { BenchCase } from '../run.js';

const REQUESTS = Number(process.env.BENCH_TERM_REQUESTS ?? 50_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const FEW = 10;
const MANY = 10_000;
const worker = fileURLToPath(new URL('../workers/term-scaling.js', import.meta.url));

export const bench: BenchCase = {
  name: 'term-scaling',
  description: `audit of ${REQUESTS.toLocaleString('en')} requests with ${FEW} vs ${MANY.toLocaleString('en')} sensitive terms`,
  async run() {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ta-bench-'));
    try {
      const file = path.join(dir, 'corpus.ndjson');
      await writeCorpus(file, REQUESTS);
      const few: number[] = [];
      const many: number[] = [];
      let fewInfo = { buildMs: 0, patterns: 0 };
      let manyInfo = { buildMs: 0, patterns: 0 };
      // Interleaved rounds, so drift in machine load hits both sides alike.
      for (let r = 0; r < ROUNDS; r++) {
        const a = await measureInChild(worker, [String(FEW), file]);
        const b = await measureInChild(worker, [String(MANY), file]);
        if (a.requests !== REQUESTS || b.requests !== REQUESTS) throw new Error(`counted ${a.requests}/${b.requests} of ${REQUESTS}`);
        few.push(a.ms);
        many.push(b.ms);
        fewInfo = { buildMs: a.buildMs!, patterns: a.patterns! };
        manyInfo = { buildMs: b.buildMs!, patterns: b.patterns! };
      }
      const f = median(few);
      const m = median(many);
      return [
        `corpus: ${REQUESTS.toLocaleString('en')} requests; median of ${ROUNDS} rounds`,
        `${FEW} terms (${fewInfo.patterns} patterns, built in ${fewInfo.buildMs.toFixed(0)} ms): ${(f / 1000).toFixed(2)} s`,
        `${MANY.toLocaleString('en')} terms (${manyInfo.patterns.toLocaleString('en')} patterns, built in ${manyInfo.buildMs.toFixed(0)} ms): ${(m / 1000).toFixed(2)} s`,
        `ratio ${MANY}/${FEW} terms: ${(m / f).toFixed(2)}x (target <= 1.3)`,
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
