/**
 * One classification of a TLS connection that ends without a request (src/live/tls-hangup.ts),
 * one test per branch, then the facts it rests on measured on real processes: a client that
 * hangs up mid-handshake and lives on is `live/handshake-abandoned` (never a refusal of the CA),
 * one that exits mid-handshake is a status line, behind the proxy and sealed (where the pid the
 * client names is a pid of its own PID namespace and must be mapped to the host's).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { clientState, hostPidOf, nsPids } from '../../src/live/process-exiting.js';
import { sealedSupport } from '../../src/live/sealed/sealed-target.js';
import { tlsEndEvent, tlsEndKind, type TlsEndFacts } from '../../src/live/tls-hangup.js';
import { FIXTURES } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';

const facts = (over: Partial<TlsEndFacts>): TlsEndFacts => ({ host: 'ingest.telemetry.test', port: 443, phase: 'handshake', refused: false, certificateSent: false, reset: false, reason: 'client closed the connection during the handshake', client: 'alive', ...over });

describe('tls-hangup: what a TLS connection that ended without a request means', () => {
  it('a TLS alert (or handshake error) is a refusal of the CA, whoever was exiting or closing', () => {
    for (const client of ['alive', 'exiting', 'unknown'] as const) {
      for (const closing of [false, true]) {
        const e = tlsEndEvent(facts({ refused: true, reason: 'client sent TLS alert "unknown ca"', client }), closing);
        assert.equal(e.type === 'connection' ? e.rule : e.type, 'live/tls-not-intercepted');
        assert.equal(e.type === 'connection' ? e.severity : '', 'error');
        assert.match(e.type === 'connection' ? e.message : '', /refused the interception certificate for ingest\.telemetry\.test:443 \(client sent TLS alert "unknown ca"\)/);
      }
    }
  });

  it('a hang-up without an alert from a client that is exiting is a status line', () => {
    const e = tlsEndEvent(facts({ client: 'exiting' }), false);
    assert.equal(e.type, 'status');
    assert.match(e.type === 'status' ? e.message : '', /cut off as the client process was exiting, with nothing sent over it \(not a refusal of the CA\)/);
  });

  it('a hang-up without an alert while the tool closes the target is a status line', () => {
    for (const client of ['alive', 'unknown'] as const) {
      const e = tlsEndEvent(facts({ client }), true);
      assert.equal(e.type, 'status');
      assert.match(e.type === 'status' ? e.message : '', /cut off as the target was being closed/);
    }
  });

  it('a hang-up without an alert before the certificate was sent, from a client that lives on, is handshake-abandoned: a warning that never claims a refusal', () => {
    const e = tlsEndEvent(facts({ client: 'alive' }), false);
    assert.equal(e.type === 'connection' ? e.rule : e.type, 'live/handshake-abandoned');
    assert.equal(e.type === 'connection' ? e.severity : '', 'warning');
    const message = e.type === 'connection' ? e.message : '';
    assert.match(message, /hung up on ingest\.telemetry\.test:443 mid-handshake without a TLS alert, before it was sent the interception certificate \(so it did not refuse the CA\), while the client process lives on; nothing was sent over this connection, but a request it meant to send there was not seen/);
    assert.doesNotMatch(message, /refused the interception/);
    // The facts travel with the event, so the session can judge it again once it closes the target.
    assert.deepEqual(e.type === 'connection' ? e.tlsEnd : undefined, facts({ client: 'alive' }));
    assert.equal(tlsEndEvent(e.type === 'connection' ? e.tlsEnd! : facts({}), true).type, 'status');
  });

  it('a client that named no pid and hangs up without an alert is handshake-abandoned, saying its state is unknown', () => {
    const e = tlsEndEvent(facts({ client: 'unknown' }), false);
    assert.equal(e.type === 'connection' ? e.rule : e.type, 'live/handshake-abandoned');
    assert.match(e.type === 'connection' ? e.message : '', /whether the client process was exiting is unknown/);
  });

  it('a reset with the certificate unread is handshake-abandoned too: it never read what it would have refused', () => {
    const e = tlsEndEvent(facts({ certificateSent: true, reset: true, reason: 'client reset the connection during the handshake' }), false);
    assert.equal(e.type === 'connection' ? e.rule : e.type, 'live/handshake-abandoned');
    assert.match(e.type === 'connection' ? e.message : '', /reset its connection to ingest\.telemetry\.test:443 mid-handshake without a TLS alert, with the interception certificate unread/);
  });

  it('a hang-up without an alert after the certificate was read, from a live client, is a refusal (how Node clients refuse a CA)', () => {
    const e = tlsEndEvent(facts({ certificateSent: true }), false);
    assert.equal(e.type === 'connection' ? e.rule : e.type, 'live/tls-not-intercepted');
    assert.match(e.type === 'connection' ? e.message : '', /hung up on ingest\.telemetry\.test:443 without a TLS alert right after it was sent the interception certificate/);
    // Exiting, or cut by the tool: still only a status line.
    assert.equal(tlsEndKind(facts({ certificateSent: true, client: 'exiting' }), false), 'cut');
    assert.equal(tlsEndKind(facts({ certificateSent: true }), true), 'cut');
  });

  it('a completed handshake closed without a request stays a refusal (how Node clients refuse), unless the tool was closing', () => {
    const unused = (client: TlsEndFacts['client']) => facts({ phase: 'unused', reason: 'closed right after the handshake without a request', client });
    for (const client of ['alive', 'exiting', 'unknown'] as const) assert.equal(tlsEndKind(unused(client), false), 'refusal');
    const e = tlsEndEvent(unused('alive'), false);
    assert.match(e.type === 'connection' ? e.message : '', /right after the handshake without sending a request; it most likely rejected the interception certificate/);
    assert.equal(tlsEndKind(unused('alive'), true), 'cut');
  });
});

/** A process in a PID namespace of its own: `sh` as PID 1 of it, a `sleep` as its child. */
function inPidNamespace(): { unshare: ReturnType<typeof spawn>; inner: Promise<{ root: number; sleepInner: number }> } | null {
  if (process.getuid?.() !== 0 || spawnSync('unshare', ['--pid', '--fork', 'true']).status !== 0) return null;
  const unshare = spawn('unshare', ['--pid', '--fork', '--kill-child', '--', 'sh', '-c', 'sleep 300 & echo "$$ $!"; wait'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const inner = new Promise<{ root: number; sleepInner: number }>((resolve, reject) => {
    unshare.stdout!.setEncoding('utf8').once('data', (line: string) => {
      const [shInner, sleepInner] = line.trim().split(' ').map(Number);
      if (shInner !== 1) return reject(new Error(`sh is not PID 1 of its namespace: ${line}`));
      const children = readFileSync(`/proc/${unshare.pid}/task/${unshare.pid}/children`, 'utf8').trim().split(' ').map(Number);
      resolve({ root: children[0]!, sleepInner: sleepInner! });
    });
  });
  return { unshare, inner };
}

async function cmdlineOnceExeced(pid: number, name: string): Promise<string> {
  let cmdline = '';
  for (let i = 0; i < 500 && !cmdline.startsWith(`${name}\0`); i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 10));
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  }
  return cmdline;
}

describe('process-exiting: a pid from inside a PID namespace, mapped to the host', () => {
  it('maps PID 1 and a child through NSpid, tells alive from gone, and maps nothing under a root that is no namespace\'s PID 1', async (t) => {
    const ns = inPidNamespace();
    if (!ns) return t.skip('no PID namespaces here (needs root and unshare)');
    try {
      const { root, sleepInner } = await ns.inner;
      assert.equal(hostPidOf(root, 1), root);
      const sleepHost = hostPidOf(root, sleepInner);
      assert.ok(sleepHost !== null && sleepHost !== sleepInner, `the sleep has a host pid of its own (${sleepHost})`);
      assert.deepEqual(nsPids(sleepHost!), [sleepHost, sleepInner]);
      // sh prints the child's pid right after fork, maybe before the child has exec'd sleep:
      // wait (bounded) for the exec, the readiness signal, rather than read its name at once.
      assert.match(await cmdlineOnceExeced(sleepHost!, 'sleep'), /^sleep\0/);
      assert.equal(clientState(sleepInner, root), 'alive');
      // The host's own pid 1 is no namespace's PID 1 seen from here: nothing maps under it.
      assert.equal(hostPidOf(1, sleepInner), null);
      process.kill(sleepHost!, 'SIGKILL');
      // Reaped by its PID 1 (sh's wait): gone from the namespace's tree.
      await new Promise<void>((resolve) => ns.unshare.once('close', () => resolve()));
      assert.equal(clientState(sleepInner, root), 'exiting');
      assert.equal(clientState(undefined, root), 'unknown');
    } finally {
      ns.unshare.kill('SIGKILL');
    }
  });
});

const EMITTER = path.join(FIXTURES, 'emitters', 'tls-hangup.mjs');

interface RunReport {
  notes: string[];
  requests: Array<{ url: string; findings?: Array<{ rule: string; severity: string; message: string }> }>;
}

async function hangUpRun(mode: 'stay' | 'exit', sealed: boolean): Promise<{ report: RunReport; stderr: string; code: number | null }> {
  const r = await runCli(['run', sealed ? '--sealed' : '--no-sealed', '--no-trace', '--format', 'json', '--', 'node', EMITTER], { env: { EMITTER_HANGUP: mode }, timeoutMs: 120_000 });
  try {
    return { report: JSON.parse(r.stdout) as RunReport, stderr: r.stderr, code: r.code };
  } catch {
    throw new Error(`not a JSON report (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}

/** Findings on connections (not on requests), as [url, rule, severity]. */
const findingsOf = (report: RunReport) => report.requests.filter((q) => q.url.startsWith('tcp://')).flatMap((q) => (q.findings ?? []).map((f) => [q.url, f.rule, f.severity]));

for (const sealed of [false, true]) {
  describe(`a client that gives up a TLS handshake, ${sealed ? 'sealed (its pid is its namespace\'s)' : 'behind the proxy'}`, () => {
    const skip = () => (sealed && !sealedSupport().available ? `sealed runs are not possible here (${sealedSupport().reason})` : null);

    it('and lives on: live/handshake-abandoned, a warning, not a refusal of the CA', async (t) => {
      if (skip()) return t.skip(skip()!);
      const { report, stderr } = await hangUpRun('stay', sealed);
      // Its request after the hang-up went through: it was alive when the proxy judged it.
      assert.ok(report.requests.some((q) => q.url === 'http://deadline.telemetry.test/after'), stderr);
      assert.deepEqual(findingsOf(report), [['tcp://deadline.telemetry.test:443', 'live/handshake-abandoned', 'warning']], stderr);
      assert.match(report.requests.find((q) => q.url.startsWith('tcp://'))!.findings![0]!.message, /before it was sent the interception certificate \(so it did not refuse the CA\), while the client process lives on/);
    });

    it('as it exits: a status line, no finding', async (t) => {
      if (skip()) return t.skip(skip()!);
      const { report, stderr } = await hangUpRun('exit', sealed);
      assert.deepEqual(findingsOf(report), [], stderr);
      assert.match(stderr, /a TLS handshake to deadline\.telemetry\.test:443 was cut off as the client process was exiting/);
    });
  });
}
