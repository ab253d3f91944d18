/**
 * Issue 13 (turbo): the proxy's TLS handshake latency, which a client on a short deadline of its
 * own races. A first handshake to a host the proxy has not seen makes a leaf certificate (an
 * ECDSA P-256 signature by the run's CA over the shared leaf key) and a TLS context; a
 * pre-warmed host (the hosts a policy names, made when the proxy starts) and a repeated host
 * only do the handshake. Same run, interleaved, as ratios against the repeated host.
 */
import net from 'node:net';
import tls from 'node:tls';
import { createCertificateAuthority } from '../../src/live/ca.js';
import { startProxy } from '../../src/live/proxy.js';
import { prewarmTls } from '../../src/live/tls-intercept.js';
import { median } from '../measure.js';
import type { BenchCase } from '../run.js';

const HOSTS = Number(process.env.BENCH_TLS_HOSTS ?? 30);

/** One CONNECT + TLS handshake through the proxy, to `host`: ms from connect to secureConnect. */
function handshake(port: number, host: string, ca: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const raw = net.connect(port, '127.0.0.1');
    raw.once('error', reject);
    raw.write(`CONNECT ${host}:443 HTTP/1.1\r\nHost: ${host}:443\r\n\r\n`);
    raw.once('data', () => {
      const secure = tls.connect({ socket: raw, servername: host, ca });
      secure.once('error', reject);
      secure.once('secureConnect', () => {
        const ms = performance.now() - started;
        secure.destroy();
        resolve(ms);
      });
    });
  });
}

export const bench: BenchCase = {
  name: 'tls-handshake',
  description: `first TLS handshake through the proxy to ${HOSTS} new hosts, cold vs pre-warmed vs repeated`,
  async run() {
    const ca = await createCertificateAuthority();
    const proxy = await startProxy({ ca, emit: () => {} });
    try {
      const cold: number[] = [];
      const warm: number[] = [];
      const again: number[] = [];
      const leafOnly: number[] = [];
      for (let i = 0; i < HOSTS; i++) {
        const t0 = performance.now();
        await ca.leafFor(`leaf-${i}.bench.test`);
        leafOnly.push(performance.now() - t0);
        // Interleaved, so a burst of load on the machine hits each alike.
        await prewarmTls(ca, [`warm-${i}.bench.test`]);
        cold.push(await handshake(proxy.port, `cold-${i}.bench.test`, ca.certPem));
        warm.push(await handshake(proxy.port, `warm-${i}.bench.test`, ca.certPem));
        again.push(await handshake(proxy.port, `cold-${i}.bench.test`, ca.certPem));
      }
      const c = median(cold);
      const w = median(warm);
      const a = median(again);
      return [
        `leaf certificate alone: ${median(leafOnly).toFixed(2)} ms (median of ${HOSTS})`,
        `first handshake, cold host: ${c.toFixed(2)} ms; pre-warmed host: ${w.toFixed(2)} ms; repeated host: ${a.toFixed(2)} ms`,
        `cold/repeated: ${(c / a).toFixed(2)}x; pre-warmed/repeated: ${(w / a).toFixed(2)}x; pre-warming saves ${(c - w).toFixed(2)} ms per first handshake`,
      ];
    } finally {
      await proxy.close();
      ca.dispose();
    }
  },
};
