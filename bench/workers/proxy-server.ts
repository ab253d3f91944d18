/**
 * The receiving side of the proxy bench, in its own process:
 *   bare       a plain Node HTTP server that reads each body and answers {} (the baseline)
 *   bare-tls   the same over HTTPS, with a leaf from a per-run CA
 *   proxy ARGS what `serve ARGS` runs: the intercepting proxy (on its thread), every capture
 *              audited against the Hasura policy with the default detectors and summarised; with
 *              e.g. `--format json --save /dev/null` also rendered and saved (output to null streams);
 *              with BENCH_STUB_AUDIT=1 in the environment, everything but the audit engine
 *   mitmdump   mitmproxy's mitmdump on loopback with an addon that answers each request locally
 *              (mitmdump-answer.py; lazy upstream connections, so none is ever opened), its
 *              configuration in a temporary directory, never the user's ~/.mitmproxy
 * Prints {"port": N, "caPem": ...} when listening; on a line "stop" on stdin, prints
 * {"captured": n, "audited": n, "cpuMs": n, "mainCpuMs": n, "proxyMs": n, "helpersMs": n, "otherMs": n} and exits. cpuMs is the CPU time the
 * server used from listening until every request was audited (all its threads; mitmdump's
 * process), mainCpuMs that of this process's main thread (the audit, in proxy mode): on a
 * shared machine they swing far less than req/s. proxyMs is the proxy's worker thread, helpersMs
 * V8's GC and compiler threads, otherMs the rest (libuv's pool), all read from /proc per thread.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import https from 'node:https';
import readline from 'node:readline';
import { Writable } from 'node:stream';
import { AuditRun } from '../../src/cli/audit-run.js';
import { serveCommand } from '../../src/cli/commands/serve.js';
import { LiveAudit } from '../../src/cli/live-audit.js';
import { parseCommandArgs } from '../../src/cli/parse-args.js';
import { printsPayloads } from '../../src/cli/options/live-options.js';
import { jobsOpt } from '../../src/cli/options/jobs-option.js';
import { createCertificateAuthority } from '../../src/live/ca.js';
import { DEFAULT_FAKE_RESPONSE } from '../../src/live/fake-response.js';
import { LiveSession } from '../../src/live/live-session.js';

/** CPU ms of each thread of this process now, by thread id (/proc: every thread, V8's helpers included). */
function threadCpuMs(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) out.set(Number(tid), statCpuMs(`/proc/self/task/${tid}/stat`));
  return out;
}
/** The threads Node starts with: V8's platform workers (GC, compiler) and its task scheduler. */
const startThreads = new Set(threadCpuMs().keys());

function nullStream(): Writable {
  return new Writable({ write: (_chunk, _enc, cb) => cb() });
}

const mode = process.argv[2];
const ca = await createCertificateAuthority();
/** Threads started with the proxy session (its worker thread). */
const proxyThreads = new Set<number>();
let captured = 0;
let audited = 0;
let close: () => Promise<void>;
/** mitmdump's CPU time until now (it is a process of its own); unset for the Node servers. */
const mitm: { cpuMs?: () => number } = {};

/** CPU ms in a /proc stat line (utime + stime; USER_HZ is 100 on Linux). */
function statCpuMs(path: string): number {
  try {
    const stat = readFileSync(path, 'latin1');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return 0;
  }
}

const answer = (req: http.IncomingMessage, res: http.ServerResponse): void => {
  req.resume();
  req.on('end', () => {
    captured++;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 });
    res.end('{}');
  });
};

let port: number;
let caPem = ca.certPem;
if (mode === 'bare' || mode === 'bare-tls') {
  const leaf = await ca.leafFor('telemetry.hasura.io');
  const server = mode === 'bare' ? http.createServer(answer) : https.createServer({ cert: leaf.certPem, key: leaf.keyPem }, answer);
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as { port: number }).port;
  close = () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); });
} else if (mode === 'proxy') {
  // The serve/run pipeline itself: proxy-only LiveSession, LiveAudit, an AuditRun made from
  // command-line arguments (JSON report, every capture saved), output to a null stream.
  const io = { stdout: nullStream(), stderr: nullStream(), stdin: process.stdin, env: process.env, cwd: process.cwd() };
  const args = parseCommandArgs(serveCommand, process.argv.slice(3));
  const run = await AuditRun.fromArgs(args, io, ['bench'], { keepPayload: printsPayloads(args) });
  const before = new Set(threadCpuMs().keys());
  const session = await LiveSession.create({ env: process.env, cwd: process.cwd() });
  // The thread the session started is the proxy's (its worker); CPU is split by thread below.
  for (const tid of threadCpuMs().keys()) if (!before.has(tid)) proxyThreads.add(tid);
  // BENCH_STUB_AUDIT=1: the audit engine replaced by a verdict made in no time, so the bench can
  // tell the engine's CPU from the rest of the pipeline's (capture, hand-off, bookkeeping, summary).
  if (process.env.BENCH_STUB_AUDIT === '1') run.audit = (request) => ({ request, kind: null, verdict: 'pass', findings: [] });
  const live = LiveAudit.open(run, io, { save: typeof args.values.save === 'string' ? args.values.save : undefined, respond: DEFAULT_FAKE_RESPONSE, jobs: jobsOpt(args), label: 'bench', origin: { kind: 'process' } });
  live.attach(session);
  await run.begin();
  await session.start();
  port = session.proxy.port;
  caPem = session.ca.certPem;
  close = async () => {
    await session.stop();
    await live.close();
    captured = live.requests;
    audited = run.currentSummary().audited;
    await run.finish();
  };
} else if (mode === 'mitmdump') {
  ({ port, close } = await startMitmdump());
  caPem = '';
} else {
  throw new Error('usage: proxy-server bare|bare-tls|proxy|mitmdump');
}
const ownAtReady = process.cpuUsage();
const childCpuMs = mitm.cpuMs;
const childAtReady = childCpuMs?.() ?? 0;
const mainAtReady = statCpuMs('/proc/thread-self/stat');
const threadsAtReady = threadCpuMs();
process.stdout.write(JSON.stringify({ port, caPem }) + '\n');
for await (const line of readline.createInterface({ input: process.stdin })) {
  if (line.trim() !== 'stop') continue;
  // mitmdump is read before it is stopped; the Node servers once every request is audited.
  const childMs = childCpuMs ? childCpuMs() - childAtReady : 0;
  // Read before close(): the session's stop ends the proxy's thread (its answers are all in by now).
  const atStop = threadCpuMs();
  await close();
  const own = process.cpuUsage(ownAtReady);
  const cpuMs = childCpuMs ? childMs : (own.user + own.system) / 1000;
  const mainCpuMs = childCpuMs ? 0 : statCpuMs('/proc/thread-self/stat') - mainAtReady;
  // Per thread: the proxy's worker, V8's helpers (GC and compiler threads Node starts with), the rest (libuv's pool).
  const split = { proxyMs: 0, helpersMs: 0, otherMs: 0 };
  for (const [tid, ms] of new Map([...atStop, ...threadCpuMs()])) {
    const used = ms - (threadsAtReady.get(tid) ?? 0);
    if (tid === process.pid || childCpuMs) continue;
    if (proxyThreads.has(tid)) split.proxyMs += used;
    else if (startThreads.has(tid)) split.helpersMs += used;
    else split.otherMs += used;
  }
  ca.dispose();
  process.stdout.write(JSON.stringify({ captured, audited, cpuMs, mainCpuMs, ...split }) + '\n');
  process.exit(0);
}

/** A free loopback port (mitmdump takes a number, not 0). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function startMitmdump(): Promise<{ port: number; close: () => Promise<void> }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ta-bench-mitm-'));
  const addon = fileURLToPath(new URL('../../../bench/workers/mitmdump-answer.py', import.meta.url));
  const port = await freePort();
  const args = ['-q', '--listen-host', '127.0.0.1', '--listen-port', String(port), '-s', addon, '--set', `confdir=${dir}`, '--set', 'connection_strategy=lazy'];
  const child = spawn(process.env.MITMDUMP ?? 'mitmdump', args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, HOME: dir } });
  let exited = false;
  child.on('exit', () => (exited = true));
  mitm.cpuMs = () => statCpuMs(`/proc/${child.pid}/stat`);
  // Ready when its port answers (it makes its CA first); bounded, and a dead child ends the wait.
  for (let i = 0; ; i++) {
    if (exited) throw new Error('mitmdump exited before it listened');
    if (await answers(port)) break;
    if (i >= 1200) throw new Error('mitmdump did not listen within 1200 tries');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    close: async () => {
      // Asked through the proxy itself: the addon answers, nothing is forwarded.
      captured = await new Promise<number>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, path: 'http://127.0.0.1:9/__bench_count', headers: { host: '127.0.0.1:9' } }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (d: string) => (body += d));
          res.on('end', () => resolve(Number(body)));
        });
        req.on('error', reject);
        req.end();
      });
      audited = captured;
      child.kill();
      if (!exited) await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
