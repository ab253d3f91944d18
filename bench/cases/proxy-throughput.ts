/**
 * Issue 4: requests per second through the intercepting proxy with the audit on, against a bare
 * Node HTTP server answering the same requests, in the same run. The load comes from a second
 * process on loopback (keep-alive, a bounded number in flight); each side runs in its own
 * process. Every request must arrive and be captured, or the round fails.
 * Also reported: the same over TLS (CONNECT + interception vs a bare HTTPS server).
 */
import { spawn } from 'node:child_process';
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
  ms: number;
  captured: number;
}

async function round(serverMode: string, loadMode: string, requests: number): Promise<Round> {
  const server = spawn(process.execPath, [serverScript, serverMode], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: server.stdout! })[Symbol.asyncIterator]();
  try {
    const ready = JSON.parse(String((await lines.next()).value)) as { port: number; caPem: string };
    const load = await measureInChild(loadScript, [String(ready.port), loadMode, String(requests), String(CONCURRENCY)], { BENCH_CA_PEM: ready.caPem });
    server.stdin!.write('stop\n');
    const done = JSON.parse(String((await lines.next()).value)) as { captured: number; audited: number };
    if (load.ok !== requests || done.captured !== requests) {
      throw new Error(`${serverMode}/${loadMode}: ${load.ok} of ${requests} answered, ${done.captured} captured`);
    }
    return { ms: load.ms, captured: done.captured };
  } finally {
    server.kill();
  }
}

function rps(ms: number, n: number): number {
  return Math.round(n / (ms / 1000));
}

export const bench: BenchCase = {
  name: 'proxy-throughput',
  description: `${REQUESTS.toLocaleString('en')} telemetry POSTs, ${CONCURRENCY} in flight: intercepting proxy with audit vs bare Node HTTP server`,
  async run() {
    const out: string[] = [];
    for (const [label, bareMode, bareLoad, proxyLoad, n] of [
      ['plain HTTP', 'bare', 'direct', 'proxy', REQUESTS],
      ['TLS (CONNECT + interception)', 'bare-tls', 'direct-tls', 'proxy-tls', Math.round(REQUESTS / 2)],
    ] as const) {
      const bare: number[] = [];
      const proxied: number[] = [];
      // Interleaved so drift in machine load hits both sides alike.
      for (let r = 0; r < ROUNDS; r++) {
        bare.push((await round(bareMode, bareLoad, n)).ms);
        proxied.push((await round('proxy', proxyLoad, n)).ms);
      }
      const b = rps(median(bare), n);
      const p = rps(median(proxied), n);
      out.push(
        `${label}: ${n.toLocaleString('en')} requests, median of ${ROUNDS}`,
        `  bare Node server:        ${b.toLocaleString('en')} req/s`,
        `  proxy + audit (dry-run): ${p.toLocaleString('en')} req/s, every request captured and audited`,
        `  ratio proxy/bare: ${(p / b).toFixed(2)}x${label === 'plain HTTP' ? ' (target >= 0.5x)' : ''}`,
      );
    }
    return out;
  },
};
