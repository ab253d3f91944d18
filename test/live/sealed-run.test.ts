import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CLI, FIXTURES, REPO_ROOT } from '../helpers/paths.js';
import { tempHome } from '../helpers/run-cli.js';
import { runCliInOuterNamespace, sealedSkip } from '../helpers/sealed.js';

const EMITTERS = path.join(FIXTURES, 'emitters', 'proxy-ignoring');
const TIMEOUT = { timeoutMs: 180_000 };

interface Report {
  notes: string[];
  containment?: { mode: string; dnsQueries: Array<{ name: string; type: string; answer?: string }> };
  requests: Array<{ url: string; findings?: Array<{ rule: string }> }>;
  conclusion?: string;
}

/** Each emitter with its destination: TEST-NET addresses and names under .example/.test only. */
const CASES: Array<{ name: string; command: string; url: string; expect: string }> = [
  { name: 'strict-env parent (no proxy variables, no NODE_OPTIONS) and its posting child', command: `node ${path.join(EMITTERS, 'strict-env-parent.mjs')}`, url: 'https://update-check.example/v1/ping', expect: 'https://update-check.example/v1/ping' },
  { name: 'IP literal over TLS with an SNI', command: `node ${path.join(EMITTERS, 'ip-literal-tls.mjs')}`, url: 'https://192.0.2.10/v2/collect', expect: 'https://ingest.telemetry.test/v2/collect' },
  { name: 'its own DNS lookup, then the address', command: `node ${path.join(EMITTERS, 'own-dns-lookup.mjs')}`, url: 'http://metrics.example/v1/events', expect: 'http://metrics.example/v1/events' },
  { name: 'its own AAAA lookup, then the IPv6 address', command: `EMITTER_FAMILY=6 node ${path.join(EMITTERS, 'own-dns-lookup.mjs')}`, url: 'http://metrics-v6.example/v1/events', expect: 'http://metrics-v6.example/v1/events' },
  { name: 'a raw net.Socket writer', command: `node ${path.join(EMITTERS, 'raw-socket.mjs')}`, url: 'http://198.51.100.20:8080/collect', expect: 'http://198.51.100.20:8080/collect' },
  { name: 'Python http.client', command: `python3 ${path.join(EMITTERS, 'python-http-client.py')}`, url: 'https://collector.telemetry.test/api/v1/track', expect: 'https://collector.telemetry.test/api/v1/track' },
];

describe('sealed run: clients that ignore the proxy are captured, and nothing leaves', () => {
  it('captures every proxy-ignoring emitter under `run`, each destination in the report; the outer namespace sees no packet', async (t) => {
    const skip = sealedSkip();
    if (skip) return t.skip(skip);
    // One run, every emitter in turn (each with its own destination).
    const script = CASES.map((c) => `EMITTER_URL='${c.url}' ${c.command}`).join('; ');
    const r = await runCliInOuterNamespace(['run', '--sealed', '--format', 'json', '--', 'sh', '-c', script], TIMEOUT);
    assert.equal(r.escapes, 0, `nothing reached the outer namespace: ${r.stderr}`);
    const report = JSON.parse(r.stdout) as Report;
    assert.ok(report.notes.some((n) => n.startsWith('contained: sealed')), report.notes.join('\n'));
    const urls = report.requests.map((q) => q.url).sort();
    assert.deepEqual(urls, CASES.map((c) => c.expect).sort(), r.stderr);
    // Audited like any other request: the default (Hasura) policy does not know these kinds.
    assert.ok(report.requests.every((q) => (q.findings ?? []).length > 0));
    assert.match(r.stderr, /DNS query A metrics\.example answered inside the namespace/);
    // Every query the namespace answered is in the report, with its type: AAAA from the private
    // IPv6 pool (2001:2::/48), A from 198.18.0.0/15.
    assert.equal(report.containment?.mode, 'sealed');
    const queries = report.containment!.dnsQueries;
    const a = queries.find((q) => q.name === 'metrics.example' && q.type === 'A');
    assert.match(a?.answer ?? '', /^198\.1[89]\./, JSON.stringify(queries));
    const aaaa = queries.find((q) => q.name === 'metrics-v6.example' && q.type === 'AAAA');
    assert.match(aaaa?.answer ?? '', /^2001:2::/, JSON.stringify(queries));
  });

  it('UDP to another port is blocked inside and reported with its destination', async (t) => {
    const skip = sealedSkip();
    if (skip) return t.skip(skip);
    const send = `import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.sendto(b'{"event":"x"}', ('203.0.113.9', 4433))`;
    const r = await runCliInOuterNamespace(['run', '--sealed', '--format', 'json', '--', 'python3', '-c', send], TIMEOUT);
    assert.equal(r.escapes, 0);
    const report = JSON.parse(r.stdout) as Report;
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(report.requests.map((q) => [q.url, q.findings?.map((f) => f.rule)]), [['tcp://203.0.113.9:4433', ['live/blocked-traffic']]]);
  });

  it('without sealing or a tracer, a proxy-ignoring emitter never passes: the run is not contained and inconclusive', async (t) => {
    const skip = sealedSkip();
    if (skip) return t.skip(skip);
    const r = await runCliInOuterNamespace(['run', '--no-sealed', '--no-trace', '--timeout', '10', '--format', 'json', '--', 'node', path.join(EMITTERS, 'raw-socket.mjs')], TIMEOUT);
    assert.equal(r.code, 3, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    assert.ok(report.notes.some((n) => n.startsWith('contained: proxy only')));
    assert.match(report.conclusion ?? '', /INCONCLUSIVE: the run was not contained/);
    // Unsealed, the emitter's SYN did go out to the network stack: only the test's own namespace
    // stopped it (and left it hanging: --timeout ends the run).
    assert.match(r.stderr, /outlived --timeout|exited/);
    assert.ok(r.escapes > 0, 'the unsealed attempt reached the outer namespace');
  });
});

/** Every pid whose command line holds `token`. */
function processesWith(token: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'latin1').includes(token)) found.push(Number(name));
    } catch {
      /* gone */
    }
  }
  return found;
}

/** Every pid in the network namespace `inode`. */
function inNamespace(link: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readlinkSync(`/proc/${name}/ns/net`) === link) found.push(Number(name));
    } catch {
      /* gone */
    }
  }
  return found;
}

async function until(what: string, ok: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('sealed run: a SIGKILL of the tool leaves nothing behind', () => {
  it('no target process, no namespace (nor its rules), no CA key', async (t) => {
    const skip = sealedSkip();
    if (skip) return t.skip(skip);
    const token = `ta-sigkill-${process.pid}-${Date.now()}`;
    const home = tempHome();
    const child = spawn(process.execPath, [CLI, 'run', '--sealed', '--', 'sh', '-c', `echo ready-${token} >&2; sleep 600 & sleep 600; : ${token}`], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: home, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.resume();
    await until('the target to start', () => stderr.includes(`ready-${token}`));
    const caDir = path.dirname(/CA (\S+)\/ca\.pem/.exec(stderr)![1]! + '/ca.pem');
    const tree = processesWith(token);
    assert.ok(tree.length >= 3, `the helper and the target's processes are running: ${tree.join(',')}`);
    const shell = tree.find((p) => readFileSync(`/proc/${p}/cmdline`, 'latin1').startsWith('sh\0-c\0'));
    assert.ok(shell, `the target shell is running: ${tree.map((p) => readFileSync(`/proc/${p}/cmdline`, 'latin1').slice(0, 40)).join(' | ')}`);
    const netns = readlinkSync(`/proc/${shell}/ns/net`);
    assert.notEqual(netns, readlinkSync('/proc/self/ns/net'), 'the target runs in its own network namespace');
    assert.ok(inNamespace(netns).length >= 3, 'the helper, the shell and its sleepers share it');
    assert.ok(existsSync(path.join(caDir, 'ca-key.pem')), 'the CA key exists while the run is on');
    const broker = `"handoff":${child.pid}}`;
    assert.equal(processesWith(broker).length, 1, 'the proxy\'s hand-off broker runs');

    child.kill('SIGKILL');
    await until('every process of the run to be gone', () => processesWith(token).length === 0);
    await until('the hand-off broker to be gone', () => processesWith(broker).length === 0);
    await until('the namespace to be gone', () => inNamespace(netns).length === 0);
    await until('the CA directory to be removed', () => !existsSync(caDir), 10_000);
  });
});

describe('sealed optout: a SIGKILL of the tool leaves nothing of the namespace factory behind', () => {
  it('no target process, no namespace factory, no namespace, no CA key', async (t) => {
    const skip = sealedSkip();
    if (skip) return t.skip(skip);
    const token = `ta-sigkill-factory-${process.pid}-${Date.now()}`;
    const home = tempHome();
    const pack = path.join(home, 'sleeper.yaml');
    writeFileSync(pack, ['name: sleeper', 'title: a target that never ends', 'description: test pack', 'target: { kind: cli }', 'timing: { timeoutSeconds: 600 }', 'scenarios:', '  - { name: control, control: true, expect: send }', '  - { name: off, env: { set: { NO_TELEMETRY: "1" } }, expect: suppress }'].join('\n'));
    // optout's scenarios (stdio: pipes) run in namespaces the factory makes, not through the one-shot chain.
    const child = spawn(process.execPath, [CLI, 'optout', '--sealed', '--pack', pack, '--', 'sh', '-c', `sleep 600 & sleep 600; : ${token}`], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: home, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.resume();
    child.stderr.resume();
    let netns: string;
    let caDir: string;
    try {
      let shell: number | undefined;
      await until('the target to start', () => (shell = processesWith(token).find((p) => readFileSync(`/proc/${p}/cmdline`, 'latin1').startsWith('sh\0-c\0'))) !== undefined);
      netns = readlinkSync(`/proc/${shell}/ns/net`);
      assert.notEqual(netns, readlinkSync('/proc/self/ns/net'), 'the target runs in its own network namespace');
      await until('the shell and its sleepers', () => inNamespace(netns).length >= 3);
      // The factory and its forks (each namespace's PID 1 and the process that owns it) share its command line.
      assert.ok(processesWith(`{"parent":${child.pid}}`).length >= 3, 'the namespace factory started by the tool, and its namespaces');
      // The CA directory, from the trust variables the target was given.
      const environ = readFileSync(`/proc/${shell}/environ`, 'latin1').split('\0');
      caDir = path.dirname(environ.find((e) => e.startsWith('SSL_CERT_FILE='))!.slice('SSL_CERT_FILE='.length));
      assert.ok(existsSync(path.join(caDir, 'ca-key.pem')), 'the CA key exists while the run is on');
    } finally {
      child.kill('SIGKILL');
    }

    await until('every process of the run to be gone', () => processesWith(token).length === 0);
    await until('the namespace factory to be gone', () => processesWith(`{"parent":${child.pid}}`).length === 0);
    await until('every scenario\'s hand-off broker to be gone', () => processesWith(`"handoff":${child.pid}}`).length === 0);
    await until('the namespace to be gone', () => inNamespace(netns).length === 0);
    await until('the CA directory to be removed', () => !existsSync(caDir), 10_000);
  });
});
