/**
 * Child process for the tui-keypress bench: N generated requests audited once and loaded into
 * the inspector, rendered by Ink (the same App and render options as `inspect`) to a terminal
 * of 120x40 that records what is written; then keys are pressed and the time from the key to
 * the end of the frame it causes is measured. Prints the figures as one JSON line.
 */
import { Keyboard, Terminal } from './fake-terminal.js';
import { corpusRequest } from '../corpus.js';
import { reportMeasurement } from '../measure.js';

// Ink decides at import whether it runs in CI (where it draws no frames); the bench measures
// the interactive terminal, whatever runs it.
for (const k of ['CI', 'CONTINUOUS_INTEGRATION']) process.env[k] = 'false';
// As `inspect` runs it (src/cli/tui-mode.ts loadInspector): React's production build.
process.env.NODE_ENV ??= 'production';
const { createElement } = await import('react');
const { render } = await import('ink');
const chalk = (await import('chalk')).default;
const { App } = await import('../../src/tui/components/App.js');
// As runInspector does before its first frame.
await (await import('../../src/tui/render/ink-output-cache.js')).installOutputCache();
const { detailSource } = await import('../../src/tui/run-inspector.js');
const { initialState } = await import('../../src/tui/state/inspector-state.js');
const { createStore } = await import('../../src/tui/state/store.js');
const { auditRequest } = await import('../../src/engine/audit-request.js');
const { compilePolicy } = await import('../../src/engine/compiled-policy.js');
const { DEFAULT_DETECTORS } = await import('../../src/detectors/default-detectors.js');
const { detectorRules } = await import('../../src/cli/options/detection-options.js');
const { hasuraPolicy } = await import('../../src/policy/packs/hasura/index.js');

const count = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 3);

// Audit once, up front: the UI keeps results and never audits the list again.
const compiled = compilePolicy(hasuraPolicy, detectorRules(DEFAULT_DETECTORS));
const auditOptions = { detectors: DEFAULT_DETECTORS };
const loadStart = performance.now();
const results = [];
for (let i = 0; i < count; i++) results.push(auditRequest(corpusRequest(i), compiled, auditOptions));
const loadMs = performance.now() - loadStart;

const store = createStore(initialState({ size: { columns: 120, rows: 40 }, source: { label: `bench corpus of ${count}`, live: false } }));
store.dispatch({ type: 'results-added', results });
store.dispatch({ type: 'source-done' });

chalk.level = 1;
const stdout = new Terminal();
const stdin = new Keyboard();
const noop = async () => 'not in the bench';
const instance = render(
  createElement(App, { store, detail: detailSource({ compiled, auditOptions, policy: hasuraPolicy }), effects: { save: noop, report: noop }, policyName: 'hasura', maxWarnings: undefined, color: true }),
  { stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream, exitOnCtrlC: false, patchConsole: false, maxFps: 60 },
);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Press a key; resolve with the time until the last write of the frame it caused, and the CPU
 * time this process spent on it (the machine is shared: wall time also measures the others).
 */
async function timeKey(key: string): Promise<{ wall: number; cpu: number }> {
  const before = stdout.writes;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  stdin.press(key);
  if (stdout.writes === before) {
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no frame after key ${JSON.stringify(key)}`)), 5000);
      stdout.once('frame', () => resolve());
    }).finally(() => clearTimeout(timer));
  }
  // A frame is written in one synchronous burst; let it finish before reading its end.
  await new Promise((r) => setImmediate(r));
  const cpu = process.cpuUsage(cpu0);
  return { wall: stdout.lastWrite - t0, cpu: (cpu.user + cpu.system) / 1000 };
}

type Category = 'move' | 'tab' | 'violations' | 'filter-typing' | 'filter-apply' | 'filter-clear';
const sequence: Array<[Category, string]> = [
  ...Array.from({ length: 15 }, () => ['move', 'j'] as [Category, string]),
  ['move', 'k'], ['move', 'k'], ['move', '\u001b[6~'], ['move', 'G'], ['move', 'g'],
  ['tab', '\t'], ['tab', '\t'], ['tab', '\t'], ['tab', '1'], ['tab', '3'], ['tab', '2'], ['tab', '4'], ['tab', '1'],
  ['violations', 'v'], ['move', 'j'], ['violations', 'v'],
  ['filter-typing', '/'], ...[...'kind:cli'].map((c) => ['filter-typing', c] as [Category, string]), ['filter-apply', '\r'],
  ['move', 'j'], ['filter-clear', '\u001b'],
  ['filter-typing', '/'], ...[...'db_kind'].map((c) => ['filter-typing', c] as [Category, string]), ['filter-apply', '\r'],
  ['filter-clear', '\u001b'],
];

await sleep(200);
const times: Record<string, number[]> = {};
const cpuTimes: number[] = [];
const cpuByCategory: Record<string, number[]> = {};
for (let r = 0; r < rounds; r++) {
  for (const [category, key] of sequence) {
    const t = await timeKey(key);
    (times[category] ??= []).push(t.wall);
    cpuTimes.push(t.cpu);
    (cpuByCategory[category] ??= []).push(t.cpu);
    // Keys a little slower than Ink's frame budget (60 fps): a person's key repeat, not a flood.
    await sleep(25);
  }
}
instance.unmount();
instance.cleanup();
// Ink's cursor restore writes "show cursor" to the real stderr at exit; the bench's terminal
// was a fake one, so keep that escape out of the bench output.
process.stderr.write = (() => true) as typeof process.stderr.write;

const all = Object.values(times).flat().sort((a, b) => a - b);
const pct = (v: number[], p: number) => {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const extra: Record<string, number> = { requests: count, keys: all.length, p95: pct(all, 95), max: all.at(-1)!, loadMs, cpuMedian: pct(cpuTimes, 50), cpuP95: pct(cpuTimes, 95) };
for (const [c, v] of Object.entries(times)) {
  extra[`${c}.median`] = pct(v, 50);
  extra[`${c}.p95`] = pct(v, 95);
  extra[`${c}.cpuMedian`] = pct(cpuByCategory[c]!, 50);
  extra[`${c}.cpuP95`] = pct(cpuByCategory[c]!, 95);
}
reportMeasurement(pct(all, 50), extra);
