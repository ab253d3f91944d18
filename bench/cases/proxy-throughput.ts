/**
 * Issue 4: requests per second through the intercepting proxy with the audit on, against a bare
 * Node HTTP server answering the same requests, in the same run. The load comes from a second
 * process on loopback (keep-alive, a bounded number in flight); each side runs in its own
 * process. A round counts until every request is answered AND audited (the proxy answers on its
 * own thread, so the audit may finish after the last answer); it fails if any is lost.
 *
 * Proxy configurations, as `serve` runs them:
 *   -q                           audit + summary (the audit on, no per-request output)
 *   --format json --save FILE    also every capture saved as NDJSON and rendered in the report
 * and the same over TLS: CONNECT tunnels with interception vs a bare HTTPS server.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import os, { devNull } from 'node:os';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { measureInChild, median } from '../measure.js';
import type { BenchCase } from '../run.js';

const REQUESTS = Number(process.env.BENCH_PROXY_REQUESTS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_PROXY_CONCURRENCY ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const serverScript = fileURLToPath(new URL('../workers/proxy-server.js', import.meta.url));
const loadScript = fileURLToPath(new URL('../workers/proxy-load.js', import.meta.url));

interface Round {
  /** Until the load generator had every answer. */
  answeredMs: number;
  /** Until the server had captured and audited every request. */
  doneMs: number;
  /** CPU ms per 1000 requests: the server (all its threads), its main thread, the load generator. */
  serverCpu: number;
  mainCpu: number;
  /** The proxy's worker thread, V8's GC/compiler threads, the rest (libuv's pool). */
  proxyCpu: number;
  helpersCpu: number;
  otherCpu: number;
  loadCpu: number;
}

/** mitmdump's path when it is installed (Debian `mitmproxy`), else null: its case is skipped. */
function findMitmdump(): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, 'mitmdump');
    if (dir && existsSync(p)) return p;
  }
  return null;
}

async function round(server: string[], loadMode: string, requests: number, loadEnv: NodeJS.ProcessEnv = {}, serverEnv: NodeJS.ProcessEnv = {}): Promise<Round> {
  const child = spawn(process.execPath, [serverScript, ...server], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ...serverEnv } });
  const lines = readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  try {
    const ready = JSON.parse(String((await lines.next()).value)) as { port: number; caPem: string };
    const started = performance.now();
    const load = await measureInChild(loadScript, [String(ready.port), loadMode, String(requests), String(CONCURRENCY)], { BENCH_CA_PEM: ready.caPem, ...loadEnv });
    // The load child's start-up and exit are not the server's time: take them out of "done".
    const childOverhead = performance.now() - started - load.ms;
    child.stdin!.write('stop\n');
    const done = JSON.parse(String((await lines.next()).value)) as { captured: number; audited: number; cpuMs: number; mainCpuMs: number; proxyMs?: number; helpersMs?: number; otherMs?: number };
    const doneMs = performance.now() - started - childOverhead;
    const audited = server[0] === 'proxy' ? done.audited : done.captured;
    if (load.ok !== requests || done.captured !== requests || audited !== requests) {
      throw new Error(`${server.join(' ')}: ${load.ok} of ${requests} answered, ${done.captured} captured, ${audited} audited`);
    }
    const per1k = (ms: number): number => (ms / requests) * 1000;
    return { answeredMs: load.ms, doneMs: Math.max(load.ms, doneMs), serverCpu: per1k(done.cpuMs), mainCpu: per1k(done.mainCpuMs), proxyCpu: per1k(done.proxyMs ?? 0), helpersCpu: per1k(done.helpersMs ?? 0), otherCpu: per1k(done.otherMs ?? 0), loadCpu: per1k(load.cpuMs ?? 0) };
  } finally {
    child.kill();
  }
}

const rps = (ms: number, n: number): number => Math.round(n / (ms / 1000));
const fmt = (n: number): string => n.toLocaleString('en');

export const bench: BenchCase = {
  name: 'proxy-throughput',
  description: `${fmt(REQUESTS)} telemetry POSTs, ${CONCURRENCY} in flight from another process: intercepting proxy with the audit on vs a bare Node HTTP server`,
  async run() {
    const out: string[] = [];
    const cases = [
      { label: 'plain HTTP, serve -q (audit + summary)', bare: ['bare'], bareLoad: 'direct', proxy: ['proxy', '-q'], proxyLoad: 'proxy', n: REQUESTS, target: true },
      { label: 'plain HTTP, serve --format json --save FILE', bare: ['bare'], bareLoad: 'direct', proxy: ['proxy', '--format', 'json', '--save', devNull], proxyLoad: 'proxy', n: REQUESTS, target: false },
      { label: 'TLS (CONNECT + interception), serve -q', bare: ['bare-tls'], bareLoad: 'direct-tls', proxy: ['proxy', '-q'], proxyLoad: 'proxy-tls', n: Math.round(REQUESTS / 2), target: false },
    ];
    const mitmdump = findMitmdump();
    if (!mitmdump) out.push('mitmdump is not installed (Debian package mitmproxy): no mitmproxy comparison');
    for (const c of cases) {
      const bare: Round[] = [];
      const proxy: Round[] = [];
      const mitm: Round[] = [];
      /** The same proxy with the audit engine stubbed: what everything else costs (the target case only). */
      const stub: Round[] = [];
      // Only over plain HTTP: through CONNECT mitmdump would need the upstream certificate.
      const withMitm = mitmdump !== null && c.target;
      // Interleaved so drift in machine load hits every side alike.
      for (let r = 0; r < ROUNDS; r++) {
        bare.push(await round(c.bare, c.bareLoad, c.n));
        proxy.push(await round(c.proxy, c.proxyLoad, c.n));
        if (c.target) stub.push(await round(c.proxy, c.proxyLoad, c.n, {}, { BENCH_STUB_AUDIT: '1' }));
        if (withMitm) mitm.push(await round(['mitmdump'], 'proxy', c.n, { BENCH_PROXY_TARGET: '127.0.0.1:9' }));
      }
      const m = (rounds: Round[], pick: (r: Round) => number): number => median(rounds.map(pick));
      const cpu = (rounds: Round[]): string => `${m(rounds, (r) => r.serverCpu).toFixed(0)} ms + load generator ${m(rounds, (r) => r.loadCpu).toFixed(0)} ms`;
      const b = rps(m(bare, (r) => r.answeredMs), c.n);
      const a = rps(m(proxy, (r) => r.answeredMs), c.n);
      const d = rps(m(proxy, (r) => r.doneMs), c.n);
      out.push(
        `${c.label}: ${fmt(c.n)} requests, median of ${ROUNDS}`,
        `  bare Node server:             ${fmt(b)} req/s`,
        `  proxy, answered:              ${fmt(a)} req/s (${(a / b).toFixed(2)}x)`,
        `  proxy, answered and audited:  ${fmt(d)} req/s  -> tool/bare Node ${(d / b).toFixed(2)}x${c.target ? ' (target >= 0.8x)' : ''}`,
      );
      if (withMitm) {
        const md = rps(m(mitm, (r) => r.doneMs), c.n);
        out.push(
          `  mitmdump, local-answer addon: ${fmt(md)} req/s (${(md / b).toFixed(2)}x bare Node)`,
          `  -> tool/mitmdump ${(d / md).toFixed(1)}x (never below 5x)`,
        );
      }
      if (c.target) {
        const engine = m(proxy, (r) => r.serverCpu) - m(stub, (r) => r.serverCpu);
        out.push(
          `  proxy, audit engine stubbed:  ${fmt(rps(m(stub, (r) => r.doneMs), c.n))} req/s; CPU per 1000 requests ${cpu(stub)} (main thread ${m(stub, (r) => r.mainCpu).toFixed(0)}, proxy thread ${m(stub, (r) => r.proxyCpu).toFixed(0)}, V8 helpers ${m(stub, (r) => r.helpersCpu).toFixed(0)} ms)`,
          `  -> the audit engine's share of the proxy's CPU (with its GC and JIT): ${engine.toFixed(0)} ms per 1000 requests`,
        );
      }
      // On two shared cores req/s follows the machine's other load; CPU per request barely does.
      out.push(
        `  CPU per 1000 requests (load average ${(os.loadavg()[0] ?? 0).toFixed(1)}): bare server ${cpu(bare)}; proxy ${cpu(proxy)} (main thread ${m(proxy, (r) => r.mainCpu).toFixed(0)}, proxy thread ${m(proxy, (r) => r.proxyCpu).toFixed(0)}, V8 helpers ${m(proxy, (r) => r.helpersCpu).toFixed(0)}, other ${m(proxy, (r) => r.otherCpu).toFixed(0)} ms; bare server's V8 helpers ${m(bare, (r) => r.helpersCpu).toFixed(0)} ms)${withMitm ? `; mitmdump ${cpu(mitm)}` : ''}`,
      );
    }
    return out;
  },
};
