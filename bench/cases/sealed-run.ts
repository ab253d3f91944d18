/**
 * Issue 11: what sealing costs. (1) Throughput of a live `run` whose target posts REQUESTS
 * telemetry events (Node http, keep-alive, CONCURRENCY in flight, through the proxy variables and
 * preload), sealed against today's proxy mode, same run, as a ratio (target >= 0.8x), and the whole
 * tree's CPU per request beside it. Sealed, every connection goes target -> nftables REDIRECT -> the
 * namespace's helper, which passes the accepted socket itself to the proxy (sealed/handoff.ts).
 * (2) The set-up cost of one scenario's namespace: a sealed `true` against a plain `true`, from
 * start to the end of its tree, the difference per scenario (target <= 50 ms), for a namespace
 * the factory forks (what optout's scenarios and browsers use) and for the one-shot chain
 * (setpriv, unshare, python: `run` and `inspect`, whose stdio the factory cannot pass).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LiveSession } from '../../src/live/live-session.js';
import { RunningTarget } from '../../src/live/run-target.js';
import { SealedTarget, sealedSupport } from '../../src/live/sealed/sealed-target.js';
import { median } from '../measure.js';
import type { BenchCase } from '../run.js';

const REQUESTS = Number(process.env.BENCH_SEALED_REQUESTS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_SEALED_CONCURRENCY ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SETUPS = Number(process.env.BENCH_SEALED_SETUPS ?? 10);

/** The target: posts REQUESTS events to a name under .example (only ever reaches the proxy). */
const CLIENT = `
import http from 'node:http';
const agent = new http.Agent({ keepAlive: true, maxSockets: ${CONCURRENCY} });
const body = JSON.stringify({ event: 'bench', n: 0, os: process.platform });
let sent = 0, done = 0;
await new Promise((resolve, reject) => {
  const next = () => {
    if (sent >= ${REQUESTS}) return;
    sent++;
    const req = http.request('http://bench-telemetry.example/v1/events', { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => { if (++done === ${REQUESTS}) resolve(); else next(); });
    });
    req.on('error', reject);
    req.end(body);
  };
  for (let i = 0; i < ${CONCURRENCY}; i++) next();
});
agent.destroy();
`;

/** CPU time (ms) a process used, with its reaped descendants: utime, stime, cutime, cstime. */
function processCpuMs(pid: number | string): { ppid: number; comm: string; ms: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    return { ppid: Number(f[1]), comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), ms: ticks * 10 };
  } catch {
    return null;
  }
}

/**
 * CPU time used so far by the whole tree of a run: this process (the tool, its proxy thread, and
 * its reaped children: the target in proxy mode, the hand-off broker) and its Python children
 * (the namespace factory, which reaps each namespace's helper and sealed target). Unlike req/s it
 * barely moves with the load of other work on the machine. USER_HZ is 100 on Linux.
 */
function treeCpuMs(): number {
  let ms = processCpuMs(process.pid)?.ms ?? 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const p = processCpuMs(name);
    if (p && p.ppid === process.pid && p.comm.startsWith('python')) ms += p.ms;
  }
  return ms;
}

/** Wait (bounded) until no child of ours but the namespace factory is alive: its CPU is then counted. */
async function childrenReaped(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const children = readdirSync('/proc').filter((n) => /^\d+$/.test(n) && processCpuMs(n)?.ppid === process.pid);
    if (children.length <= 1) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Whole run (start to last capture) and steady state (first capture to last), in req/s; CPU ms per 1000 requests. */
async function throughput(script: string, sealed: boolean): Promise<{ whole: number; steady: number; cpu: number }> {
  const session = await LiveSession.create({ command: [process.execPath, script], env: { PATH: process.env.PATH ?? '' }, cwd: os.tmpdir(), trace: 'off', sealed: sealed ? 'on' : 'off', captureOutput: true });
  let requests = 0;
  let first = 0;
  let last = 0;
  session.subscribe((e) => {
    if (e.type !== 'request') return;
    last = performance.now();
    if (requests++ === 0) first = last;
  });
  const cpuBefore = treeCpuMs();
  const started = performance.now();
  await session.start();
  const end = await session.done;
  const ms = performance.now() - started;
  await childrenReaped();
  const cpu = ((treeCpuMs() - cpuBefore) / REQUESTS) * 1000;
  if (requests !== REQUESTS || end.target?.code !== 0) throw new Error(`${sealed ? 'sealed' : 'proxy'} round lost requests: ${requests}/${REQUESTS}, exit ${end.target?.code}: ${session.output().stderr.slice(-500)}`);
  return { whole: (REQUESTS / ms) * 1000, steady: ((REQUESTS - 1) / Math.max(1, last - first)) * 1000, cpu };
}

async function setupMs(sealed: 'factory' | 'chain' | false, relay: string): Promise<number> {
  const started = performance.now();
  const spec = { file: '/bin/true', args: [], env: { PATH: process.env.PATH ?? '' }, cwd: os.tmpdir(), stdio: 'ignore' as const };
  const target = sealed ? await SealedTarget.start({ ...spec, via: sealed, proxyPort: 9, relaySocket: relay }) : new RunningTarget(spec);
  await target.exited;
  return performance.now() - started;
}

export const bench: BenchCase = {
  name: 'sealed-run',
  description: `sealed run vs proxy mode: ${REQUESTS} posts, ${CONCURRENCY} in flight, ${ROUNDS} rounds; namespace set-up per scenario over ${SETUPS} starts`,
  async run() {
    const support = sealedSupport();
    if (!support.available) return [`skipped: ${support.reason}`];
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ta-bench-sealed-'));
    try {
      const script = path.join(dir, 'client.mjs');
      writeFileSync(script, CLIENT);
      const proxy: number[] = [];
      const sealed: number[] = [];
      const proxySteady: number[] = [];
      const sealedSteady: number[] = [];
      const proxyCpu: number[] = [];
      const sealedCpu: number[] = [];
      // Interleaved, so a burst of load on the machine hits both alike.
      for (let i = 0; i < ROUNDS; i++) {
        const p = await throughput(script, false);
        const q = await throughput(script, true);
        proxy.push(p.whole);
        sealed.push(q.whole);
        proxySteady.push(p.steady);
        sealedSteady.push(q.steady);
        proxyCpu.push(p.cpu);
        sealedCpu.push(q.cpu);
      }
      const plain: number[] = [];
      const contained: number[] = [];
      const chained: number[] = [];
      const relay = path.join(dir, 'none.sock');
      // The factory starts once per tool process: measured apart, not counted per scenario.
      const factoryStart = await setupMs('factory', relay);
      for (let i = 0; i < SETUPS; i++) {
        plain.push(await setupMs(false, ''));
        contained.push(await setupMs('factory', relay));
        chained.push(await setupMs('chain', relay));
      }
      const ratio = median(sealed) / median(proxy);
      const cost = median(contained) - median(plain);
      const chainCost = median(chained) - median(plain);
      return [
        `proxy mode:  ${median(proxy).toFixed(0)} req/s (median of ${ROUNDS}, whole run: start to last capture)`,
        `sealed:      ${median(sealed).toFixed(0)} req/s`,
        `ratio sealed/proxy: ${ratio.toFixed(2)}x (target >= 0.8x) ${ratio >= 0.8 ? 'MET' : 'NOT MET'}; the whole run includes the namespace set-up (one-shot chain, below)`,
        `steady state (first capture to last): proxy ${median(proxySteady).toFixed(0)} req/s, sealed ${median(sealedSteady).toFixed(0)} req/s, ratio ${(median(sealedSteady) / median(proxySteady)).toFixed(2)}x`,
        `CPU of the whole tree (tool, proxy, target, namespace helper, broker) per 1000 requests: proxy ${median(proxyCpu).toFixed(0)} ms, sealed ${median(sealedCpu).toFixed(0)} ms, sealed/proxy ${(median(sealedCpu) / median(proxyCpu)).toFixed(2)}x (what sealing costs, barely moved by other load; load average ${(os.loadavg()[0] ?? 0).toFixed(1)})`,
        `a plain \`true\` start to end: ${median(plain).toFixed(0)} ms; sealed by the factory: ${median(contained).toFixed(0)} ms; by the one-shot chain: ${median(chained).toFixed(0)} ms (medians of ${SETUPS})`,
        `namespace set-up per scenario (factory, optout): ${cost.toFixed(0)} ms (target <= 50 ms) ${cost <= 50 ? 'MET' : 'NOT MET'}; the factory's own start, once per process: ${factoryStart.toFixed(0)} ms with its first namespace`,
        `one-shot chain (run, inspect): ${chainCost.toFixed(0)} ms per run; factory/chain set-up: ${(cost / chainCost).toFixed(2)}x`,
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
