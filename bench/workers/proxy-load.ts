/**
 * Load generator for the proxy bench and the load test: `total` POSTs of wire-format telemetry
 * bodies with `concurrency` in flight over keep-alive connections, each tagged with its sequence
 * number (x-bench-seq) so the receiving side can prove none was lost. Loopback only.
 *
 *   proxy-load <port> <mode> <total> <concurrency>
 *   mode: direct      origin-form requests to a plain HTTP server (the baseline)
 *         proxy       absolute-form requests to http://telemetry.hasura.io (or BENCH_PROXY_TARGET) through the proxy
 *         direct-tls  HTTPS to a server on the port (trusting the CA in BENCH_CA_PEM)
 *         proxy-tls   HTTPS to telemetry.hasura.io through CONNECT tunnels, as the Node preload opens them
 * Prints one JSON line: {ms, ok, failed, requests, cpuMs} (cpuMs: this process's CPU time while it sent).
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { corpusRequest } from '../corpus.js';
import { reportMeasurement } from '../measure.js';

const [portArg, modeArg, totalArg, concurrencyArg] = process.argv.slice(2);
const mode = modeArg ?? '';
const port = Number(portArg);
const total = Number(totalArg);
const concurrency = Number(concurrencyArg);
if (!port || !total || !concurrency || !['direct', 'proxy', 'direct-tls', 'proxy-tls'].includes(mode)) {
  throw new Error('usage: proxy-load <port> direct|proxy|direct-tls|proxy-tls <total> <concurrency>');
}
const ca = process.env.BENCH_CA_PEM;
/**
 * The host absolute-form requests name (proxy mode). A proxy that would connect upstream
 * anyway (mitmdump) is given a loopback one, so nothing it might attempt leaves the machine.
 */
const target = process.env.BENCH_PROXY_TARGET ?? 'telemetry.hasura.io';

// Only the HTTP kinds of the corpus (console frames travel over WebSocket, not POST).
const bodies: Buffer[] = [];
for (let i = 0; bodies.length < 64; i++) {
  const r = corpusRequest(i);
  if (r.transport === 'http') bodies.push(Buffer.from(r.body));
}

class TunnelAgent extends https.Agent {
  override createConnection(options: tls.ConnectionOptions): net.Socket {
    const raw = net.connect(port, '127.0.0.1');
    raw.write('CONNECT telemetry.hasura.io:443 HTTP/1.1\r\nHost: telemetry.hasura.io:443\r\nX-Telemetry-Audit-Tunnel: silent\r\n\r\n');
    return tls.connect({ ...options, socket: raw, servername: 'telemetry.hasura.io', ca });
  }
}

const agent =
  mode === 'proxy-tls'
    ? new TunnelAgent({ keepAlive: true, maxSockets: concurrency })
    : mode === 'direct-tls'
      ? new https.Agent({ keepAlive: true, maxSockets: concurrency, ca, servername: 'telemetry.hasura.io' })
      : new http.Agent({ keepAlive: true, maxSockets: concurrency });

function send(seq: number): Promise<boolean> {
  const body = bodies[seq % bodies.length]!;
  const headers = { 'content-type': 'application/json', 'user-agent': 'hasura-graphql-engine/v2.36.0', 'content-length': body.length, 'x-bench-seq': String(seq) };
  const options: http.RequestOptions = { agent, method: 'POST', headers, host: '127.0.0.1', port, path: '/v1/http' };
  if (mode === 'proxy') {
    options.path = `http://${target}/v1/http`;
    options.headers = { ...headers, host: target };
  }
  if (mode.endsWith('-tls')) options.headers = { ...headers, host: 'telemetry.hasura.io' };
  const request = mode.endsWith('-tls') ? https.request : http.request;
  return new Promise((resolve) => {
    const req = request(options, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
      res.on('error', () => resolve(false));
    });
    req.on('error', () => resolve(false));
    req.end(body);
  });
}

let next = 0;
let ok = 0;
let failed = 0;
const started = performance.now();
const cpu0 = process.cpuUsage();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < total) {
      if (await send(next++)) ok++;
      else failed++;
    }
  }),
);
const ms = performance.now() - started;
agent.destroy();
const cpu = process.cpuUsage(cpu0);
reportMeasurement(ms, { ok, failed, requests: total, cpuMs: (cpu.user + cpu.system) / 1000 });
