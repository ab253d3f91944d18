/**
 * Issue 15: how fast `inspect` loads a capture, against `audit` of the same file in the same
 * run (both through the CLI in a fresh process, both with their default threads), as request
 * rates and their ratio (target: inspect ≥ 0.8x audit). Inspect counts until its UI shows
 * every request read; audit until its JSON report is written.
 *
 * Both sides run the shipped bundle (dist/pkg), what a person runs, unless BENCH_CLI=src: the
 * inspector's start is mostly loading Ink and React, which the bundle does differently.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCorpus } from '../corpus.js';
import { measureInChild, median, type Measurement } from '../measure.js';
import type { BenchCase } from '../run.js';

const REQUESTS = Number(process.env.BENCH_TUI_LOAD_REQUESTS ?? 50_000);
// Five rounds: on a machine shared with other work one round's ratio swings by ±0.2.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const auditWorker = fileURLToPath(new URL('../workers/audit-corpus.js', import.meta.url));
const inspectWorker = fileURLToPath(new URL('../workers/tui-load.js', import.meta.url));
const CLI = process.env.BENCH_CLI ?? 'shipped';

export const bench: BenchCase = {
  name: 'tui-load',
  description: `inspect loading ${REQUESTS.toLocaleString('en')} wire-format requests vs audit of the same file (target ≥ 0.8x)`,
  async run() {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ta-bench-'));
    try {
      const file = path.join(dir, 'corpus.ndjson');
      await writeCorpus(file, REQUESTS);
      const audit: Measurement[] = [];
      const inspect: Measurement[] = [];
      let frames = 0;
      const load: number[] = [];
      // Alternated, each round in the other order, so drift in machine load hits both sides
      // alike; each round's ratio is of two runs back to back.
      for (let r = 0; r < ROUNDS; r++) {
        load.push(os.loadavg()[0]!);
        const runAudit = async () => audit.push(await measureInChild(auditWorker, ['audit', file, '0'], { BENCH_EXPECT: String(REQUESTS), BENCH_CLI: CLI }));
        const runInspect = async () => {
          const m = await measureInChild(inspectWorker, [file, String(REQUESTS)], { BENCH_CLI: CLI });
          inspect.push(m);
          frames = Math.max(frames, m.frames ?? 0);
        };
        if (r % 2 === 0) {
          await runAudit();
          await runInspect();
        } else {
          await runInspect();
          await runAudit();
        }
      }
      const rate = (ms: number) => Math.round(REQUESTS / (ms / 1000));
      const a = rate(median(audit.map((m) => m.ms)));
      const i = rate(median(inspect.map((m) => m.ms)));
      const ratios = audit.map((m, r) => m.ms / inspect[r]!.ms);
      const cpu = audit.map((m, r) => m.cpuMs! / inspect[r]!.cpuMs!);
      const x = (v: number) => `${v.toFixed(2)}x`;
      return [
        `${REQUESTS.toLocaleString('en')} requests, the ${CLI === 'shipped' ? 'shipped bundle (dist/pkg)' : 'compiled tree (dist/src)'}, ${ROUNDS} alternated rounds, ${os.availableParallelism()} cores, load ${Math.min(...load).toFixed(1)}-${Math.max(...load).toFixed(1)}`,
        `audit (all cores):   ${a.toLocaleString('en')} req/s (median)`,
        `inspect (all cores): ${i.toLocaleString('en')} req/s (median; ${frames} writes to the terminal)`,
        `ratio inspect/audit: ${x(i / a)} of the medians; per round ${ratios.map(x).join(' ')}, median ${x(median(ratios))} (target >= 0.8x)`,
        `CPU time audit/inspect (all threads, same work): per round ${cpu.map(x).join(' ')}, median ${x(median(cpu))}`,
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
