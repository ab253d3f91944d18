/**
 * Issues 6 and 15: keypress-to-frame time of the inspector with 100,000 requests loaded (target:
 * p95 ≤ 16 ms, one frame at 60 fps),
 * against the same keys with 1,000 requests loaded, measured in the same run: the ratio shows
 * whether the per-key work grows with the number of requests.
 */
import { fileURLToPath } from 'node:url';
import { measureInChild, type Measurement } from '../measure.js';
import type { BenchCase } from '../run.js';

const REQUESTS = Number(process.env.BENCH_TUI_REQUESTS ?? 100_000);
const BASELINE = Number(process.env.BENCH_TUI_BASELINE ?? 1_000);
const ROUNDS = Number(process.env.BENCH_TUI_ROUNDS ?? 3);
const worker = fileURLToPath(new URL('../workers/tui-keypress.js', import.meta.url));
const CATEGORIES = ['move', 'tab', 'violations', 'filter-typing', 'filter-apply', 'filter-clear'];

const ms = (v: number | undefined) => `${(v ?? NaN).toFixed(1)} ms`;

function lines(label: string, m: Measurement): string[] {
  return [
    `${label}: median ${ms(m.ms)}, p95 ${ms(m.p95)}, max ${ms(m.max)} over ${m.keys} keys (CPU per key: median ${ms(m.cpuMedian)}, p95 ${ms(m.cpuP95)}); loaded in ${(m.loadMs! / 1000).toFixed(1)} s, peak RSS ${m.maxRssMiB.toFixed(0)} MiB`,
    `  wall: ${CATEGORIES.map((c) => `${c} ${ms(m[`${c}.median`])}/${ms(m[`${c}.p95`])}`).join(', ')}  (median/p95)`,
    `  CPU:  ${CATEGORIES.map((c) => `${c} ${ms(m[`${c}.cpuMedian`])}/${ms(m[`${c}.cpuP95`])}`).join(', ')}  (median/p95)`,
  ];
}

export const bench: BenchCase = {
  name: 'tui-keypress',
  description: `inspector keypress-to-frame with ${REQUESTS.toLocaleString('en')} requests loaded vs ${BASELINE.toLocaleString('en')} (target p95 ≤ 16 ms)`,
  async run() {
    const env = { CI: 'false', CONTINUOUS_INTEGRATION: 'false' };
    const base = await measureInChild(worker, [String(BASELINE), String(ROUNDS)], env);
    const big = await measureInChild(worker, [String(REQUESTS), String(ROUNDS)], env);
    const TARGET = 16;
    const verdict = (v: number | undefined) => (v !== undefined && v <= TARGET ? 'within' : 'OVER');
    return [
      ...lines(`${REQUESTS.toLocaleString('en')} requests`, big),
      ...lines(`${BASELINE.toLocaleString('en')} requests (baseline)`, base),
      `ratio ${REQUESTS.toLocaleString('en')}/${BASELINE.toLocaleString('en')}: median ${(big.ms / base.ms).toFixed(2)}x, p95 ${(big.p95! / base.p95!).toFixed(2)}x; p95 ${verdict(big.p95)} the ${TARGET} ms target (CPU p95 ${ms(big.cpuP95)}: ${verdict(big.cpuP95)})`,
    ];
  },
};
