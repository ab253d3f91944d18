import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FIXTURES } from '../helpers/paths.js';
import { runCli, runCliJson, tempHome } from '../helpers/run-cli.js';
import { startCountingUpstream, traceSkip } from '../helpers/live.js';

const EMITTERS = path.join(FIXTURES, 'emitters');
const NODE_CLI = [process.execPath, path.join(EMITTERS, 'hasura-cli.mjs')];
const PY_SERVER = ['python3', path.join(EMITTERS, 'graphql-engine.py'), 'serve'];
const PY_DIRECT = ['python3', path.join(EMITTERS, 'direct-client.py')];
const CONSOLE = [process.execPath, path.join(EMITTERS, 'hasura-console.mjs')];
const TIMEOUT = { timeoutMs: 90_000 };

interface Report {
  requests: Array<{ method: string; url: string; transport: string; kind: string | null; findings: Array<{ rule: string; severity: string }> }>;
  summary: { requests: number; kinds: Record<string, number> };
  conclusion?: string;
  exitCode: number;
}

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; report: Report; stderr: string }> {
  return runCliJson<Report>(['run', '--format', 'json', ...args], { env, ...TIMEOUT });
}

function rules(report: Report, severity: 'error' | 'warning'): string[] {
  return [...new Set(report.requests.flatMap((q) => q.findings.filter((f) => f.severity === severity).map((f) => f.rule)))].sort();
}

describe('run: the Node CLI emitter (fetch)', () => {
  it('sends the flattened CLI body with its first-run config uuid: conforms, with the undocumented field and fetch header as warnings', async () => {
    const home = tempHome();
    const { code, report } = await run(['--', ...NODE_CLI, 'version'], { HOME: home });
    assert.equal(code, 0);
    assert.equal(report.requests.length, 1);
    assert.deepEqual([report.requests[0]!.method, report.requests[0]!.url, report.requests[0]!.kind], ['POST', 'https://telemetry.hasura.io/v1/http', 'cli-flat']);
    assert.deepEqual(rules(report, 'error'), []);
    assert.deepEqual(rules(report, 'warning'), ['request/undocumented-header', 'schema/undocumented-field']);
    const config = JSON.parse(readFileSync(path.join(home, '.hasura', 'config.json'), 'utf8')) as { uuid: string; enable_telemetry: boolean };
    assert.match(config.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(config.enable_telemetry, true);
  });

  it('fails on flag names in "command" and error text in "error"', async () => {
    const { code, report } = await run(['--', ...NODE_CLI, 'migrate', 'apply', '--endpoint', 'http://localhost:8080', '--admin-secret', 's3cret'], { EMITTER_VARIANT: 'flags,error' });
    assert.equal(code, 1);
    // The serialised Go error carries the build machine's source path, a home path the detectors catch.
    assert.deepEqual(rules(report, 'error'), ['hasura/cli-command-flags', 'hasura/cli-error-text', 'identity/home-path']);
  });

  it('captures what a detached child sends after the command itself has exited', async () => {
    const { code, report } = await run(['--', ...NODE_CLI, 'version'], { EMITTER_DETACH: '1' });
    assert.equal(code, 0);
    assert.deepEqual(report.requests.map((q) => q.kind), ['cli-flat']);
  });

  it('reports a client that pins its trust store: TLS not intercepted', async () => {
    const { code, report } = await run(['--', ...NODE_CLI, 'version'], { EMITTER_TRANSPORT: 'pinned' });
    assert.equal(code, 1);
    assert.deepEqual(rules(report, 'error'), ['live/tls-not-intercepted']);
    assert.equal(report.requests[0]!.url, 'tcp://telemetry.hasura.io:443');
  });

  it('opted out through the environment, it sends nothing: with the tracer that is a pass, without it inconclusive', async (t) => {
    const skip = traceSkip();
    if (skip) t.skip(skip);
    else {
      // The tracer's own verdict is today's (unsealed) mode: sealed runs are tested in sealed-run.test.ts.
      const traced = await run(['--no-sealed', '--', ...NODE_CLI, 'version'], { HASURA_GRAPHQL_ENABLE_TELEMETRY: 'false' });
      assert.equal(traced.code, 0);
      assert.equal(traced.report.requests.length, 0);
      assert.match(traced.report.conclusion ?? '', /^nothing left the machine/);
    }
    const untraced = await run(['--no-sealed', '--no-trace', '--', ...NODE_CLI, 'version'], { HASURA_GRAPHQL_ENABLE_TELEMETRY: 'false' });
    assert.equal(untraced.code, 3);
    assert.match(untraced.report.conclusion ?? '', /INCONCLUSIVE: .*could not be seen/);
  });
});

describe('run: the Python server emitter (urllib, SSL_CERT_FILE)', () => {
  it('captures server_metrics and one server_metrics_v2 per source; a data connector name in db_kind fails', async () => {
    const { code, report } = await run(['--', ...PY_SERVER], { EMITTER_ONESHOT: '1', EMITTER_SOURCES: 'default:postgres,inventory:dataconnector:acme_sqlite' });
    assert.equal(code, 1);
    assert.deepEqual(report.summary.kinds, { 'server-resources': 1, 'server-v2': 2 });
    assert.deepEqual(rules(report, 'error'), ['hasura/db-kind-name']);
    assert.ok(report.requests.every((q) => q.url === 'https://telemetry.hasura.io/v1/http'));
  });

  it('refuses to start on an invalid opt-out value: the run says so and is inconclusive', async (t) => {
    const skip = traceSkip();
    if (skip) return t.skip(skip);
    const { code, report, stderr } = await run(['--', ...PY_SERVER], { EMITTER_ONESHOT: '1', HASURA_GRAPHQL_ENABLE_TELEMETRY: '0' });
    assert.match(stderr, /Fatal Error: HASURA_GRAPHQL_ENABLE_TELEMETRY: Not a valid boolean text/);
    assert.equal(code, 3);
    assert.match(report.conclusion ?? '', /exited with code 1 and sent nothing/);
  });

  it('lets the flag win over the environment', async () => {
    const { code, report } = await run(['--', ...PY_SERVER, '--enable-telemetry', 'TRUE'], { EMITTER_ONESHOT: '1', HASURA_GRAPHQL_ENABLE_TELEMETRY: 'false' });
    assert.equal(code, 0);
    assert.equal(report.requests.length, 2);
  });
});

describe('run: the console emitter (WebSocket frames)', () => {
  it('captures each frame; a source name left in a route fails', async () => {
    const { code, report } = await run(['--', ...CONSOLE], { EMITTER_VARIANT: 'route-name' });
    assert.equal(code, 1);
    assert.equal(report.requests.length, 3);
    assert.ok(report.requests.every((q) => q.transport === 'websocket' && q.method === 'WS' && q.url === 'wss://telemetry.hasura.io/v1/ws'));
    assert.deepEqual(rules(report, 'error'), ['hasura/console-route-name']);
    // Only the frame with the user's source in its route fails: /data/default/schema/... is Hasura's own source.
    assert.deepEqual(report.requests.map((q) => q.findings.filter((f) => f.severity === 'error').map((f) => f.rule)), [[], [], ['hasura/console-route-name']]);
  });
});

describe('run: a client that ignores the proxy and connects directly (loopback only)', () => {
  let sink: Awaited<ReturnType<typeof startCountingUpstream>>;
  before(async () => (sink = await startCountingUpstream()));
  after(() => sink.close());

  it('is caught by the tracer as a bypass', async (t) => {
    const skip = traceSkip();
    if (skip) return t.skip(skip);
    const before = sink.hits();
    const { code, report } = await run(['--no-sealed', '--trace-loopback', '--', ...PY_DIRECT], { EMITTER_DIRECT_URL: `http://127.0.0.1:${sink.port}/v1/http` });
    assert.equal(sink.hits(), before + 1, 'it really did go around the proxy');
    assert.equal(code, 1);
    assert.deepEqual(rules(report, 'error'), ['live/proxy-bypass']);
    assert.equal(report.requests[0]!.url, `tcp://127.0.0.1:${sink.port}`);
  });

  it('without a tracer, seeing nothing is inconclusive, and the report says bypasses could not be seen', async () => {
    const { code, report } = await run(['--no-sealed', '--no-trace', '--', ...PY_DIRECT], { EMITTER_DIRECT_URL: `http://127.0.0.1:${sink.port}/v1/http` });
    assert.equal(code, 3);
    assert.equal(report.requests.length, 0);
    assert.match(report.conclusion ?? '', /connections that bypass it could not be seen/);
  });
});

describe('run: without a working tracer', () => {
  const noStrace = { TELEMETRY_AUDIT_STRACE: 'telemetry-audit-no-such-strace' };

  it('says bypasses could not be seen, and a run that captured nothing is inconclusive', async () => {
    const r = await runCli(['run', '--no-sealed', '--', ...NODE_CLI, 'version'], { env: { ...noStrace, HASURA_GRAPHQL_ENABLE_TELEMETRY: 'false' }, ...TIMEOUT });
    assert.equal(r.code, 3);
    assert.match(r.stdout, /note: bypasses could not be seen: strace is not installed/);
    assert.match(r.stdout, /Verdict: INCONCLUSIVE \(exit 3\)/);
  });

  it('--trace then refuses to run at all', async () => {
    const r = await runCli(['run', '--no-sealed', '--trace', '--', ...NODE_CLI, 'version'], { env: noStrace });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--trace was asked for, but strace is not installed/);
  });
});

describe('run: dry-run forwards nothing', () => {
  it('a loopback upstream named as the endpoint, over http and https, is never contacted', async () => {
    const upstream = await startCountingUpstream();
    try {
      for (const scheme of ['http', 'https']) {
        const { report } = await run(['--', ...PY_SERVER], { EMITTER_ONESHOT: '1', EMITTER_ENDPOINT: `${scheme}://127.0.0.1:${upstream.port}/v1/http` });
        assert.equal(report.summary.requests, 2, `${scheme}: both payloads were captured`);
      }
      assert.equal(upstream.hits(), 0);
    } finally {
      await upstream.close();
    }
  });

  it('the CA key is 0600 while the command runs and gone after', async () => {
    const probe = `const fs=require('fs'),p=require('path');const d=p.dirname(process.env.NODE_EXTRA_CA_CERTS);console.error('CA-DIR '+JSON.stringify({dir:d,files:fs.readdirSync(d).map(f=>[f,(fs.statSync(p.join(d,f)).mode&0o777).toString(8)])}))`;
    const r = await runCli(['run', '-q', '--no-trace', '--', process.execPath, '-e', probe], TIMEOUT);
    const seen = JSON.parse(/CA-DIR (.*)/.exec(r.stderr)![1]!) as { dir: string; files: Array<[string, string]> };
    assert.deepEqual(Object.fromEntries(seen.files.filter(([f]) => f.endsWith('.pem'))), { 'ca-key.pem': '600', 'ca.pem': '644', 'ca-bundle.pem': '644' });
    assert.equal(existsSync(seen.dir), false, 'the CA directory is removed at exit');
  });
});
