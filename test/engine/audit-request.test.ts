import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auditRequest } from '../../src/engine/audit-request.js';
import { compilePolicy } from '../../src/engine/compiled-policy.js';
import { DEFAULT_DETECTORS } from '../../src/detectors/default-detectors.js';
import { hasuraPolicy } from '../../src/policy/packs/hasura/index.js';
import { cliEnveloped, cliFlat, httpRequest } from '../helpers/requests.js';

const policy = compilePolicy(hasuraPolicy, DEFAULT_DETECTORS.map((d) => ({ id: d.id, severity: d.severity, title: d.title, description: d.description })));
const audit = (req: Parameters<typeof auditRequest>[0]) => auditRequest(req, policy, { detectors: DEFAULT_DETECTORS });
const rules = (r: ReturnType<typeof audit>) => [...new Set(r.findings.map((f) => f.rule))].sort();

describe('auditRequest on the Hasura pack', () => {
  it('passes a clean enveloped CLI event with no finding', () => {
    const r = audit(httpRequest(cliEnveloped(), { headers: [['user-agent', 'Go-http-client/1.1']] }));
    assert.equal(r.kind, 'cli');
    assert.deepEqual(r.findings, []);
    assert.equal(r.verdict, 'pass');
  });

  it('classifies the flattened CLI shape and warns that "error" is undocumented', () => {
    const r = audit(httpRequest(cliFlat()));
    assert.equal(r.kind, 'cli-flat');
    assert.deepEqual(rules(r), ['schema/undocumented-field']);
    assert.equal(r.verdict, 'warn');
  });

  it('reports flag names and then the leftover flag value as an argument', () => {
    const r = audit(httpRequest(cliFlat({ command: 'hasura migrate apply --database-name shop' })));
    const byRule = Object.fromEntries(r.findings.map((f) => [f.rule, f]));
    assert.equal(byRule['hasura/cli-command-flags']?.evidence, '--database-name');
    assert.equal(byRule['hasura/cli-command-args']?.evidence, 'hasura migrate apply shop');
    assert.equal(byRule['hasura/cli-command-flags']?.location.part, 'body');
  });

  it('fails an unknown payload kind closed', () => {
    const r = audit(httpRequest({ topic: 'cli-v3', data: {} }));
    assert.equal(r.kind, null);
    assert.deepEqual(rules(r), ['payload/unknown-kind']);
    assert.equal(r.verdict, 'fail');
  });

  it('reports an unknown field as an error with the key as (redactable) evidence', () => {
    const r = audit(httpRequest(cliEnveloped({ hostname: 'build-01' })));
    const f = r.findings.find((x) => x.rule === 'schema/unknown-field');
    assert.equal(f?.severity, 'error');
    assert.equal(f?.location.part === 'body' && f.location.path, '$.data.hostname');
  });

  it('reports a missing field as a warning (the shape changed)', () => {
    const { is_error: _dropped, ...rest } = cliEnveloped().data;
    const r = audit(httpRequest({ topic: 'cli', data: rest }));
    assert.deepEqual(rules(r), ['schema/missing-field']);
  });

  it('checks every count is a non-negative integer', () => {
    const payload = { server_metrics: { resource_cpu: -1, resource_memory: 1.5, resource_checker_error_code: null } };
    const r = audit(httpRequest(payload));
    assert.deepEqual(rules(r), ['payload/undocumented-kind', 'schema/range', 'schema/type']);
  });

  it('decodes gzip bodies before auditing', () => {
    const r = audit(httpRequest(cliFlat({ command: 'hasura init --endpoint' }), { gzip: true }));
    assert.ok(rules(r).includes('hasura/cli-command-flags'));
  });

  it('reports a body that claims gzip but is not', () => {
    const req = httpRequest(cliFlat(), { headers: [['content-encoding', 'gzip']] });
    assert.deepEqual(rules(audit(req)), ['body/decode-failed']);
  });

  it('reports invalid UTF-8 rather than replacing it', () => {
    const req = { ...httpRequest(cliFlat()), body: Buffer.from([0x7b, 0xff, 0x7d]) };
    assert.deepEqual(rules(audit(req)), ['body/decode-failed']);
  });

  it('rejects other hosts, paths, methods and query strings', () => {
    assert.deepEqual(rules(audit(httpRequest(cliEnveloped(), { url: 'https://telemetry.example.com/v1/http' }))), ['request/destination']);
    assert.deepEqual(rules(audit(httpRequest(cliEnveloped(), { url: 'https://telemetry.hasura.io/v2/collect' }))), ['request/destination']);
    assert.deepEqual(rules(audit(httpRequest(cliEnveloped(), { method: 'PUT' }))), ['request/method']);
    assert.deepEqual(rules(audit(httpRequest(cliEnveloped(), { url: 'https://telemetry.hasura.io/v1/http?u=jane' }))), ['request/url-query']);
    assert.deepEqual(rules(audit(httpRequest(cliEnveloped(), { url: 'https://telemetry.hasura.io:8443/v1/http' }))), ['request/destination']);
  });

  it('expects console kinds on the WebSocket endpoint only', () => {
    const frame = {
      topic: 'console-v2',
      data: { server_version: 'v2.36.0', url: '/settings', console_mode: 'server', console_type: 'oss', cli_uuid: '', server_uuid: '', event_type: 'RUN_TIME_ERROR', event_data: { message: 'x is undefined' } },
    };
    const ok = audit(httpRequest(frame, { url: 'wss://telemetry.hasura.io/v1/ws', transport: 'websocket', method: 'WS', headers: [] }));
    assert.deepEqual(rules(ok), ['schema/undocumented-field']);
    const wrong = audit(httpRequest(frame));
    assert.ok(rules(wrong).includes('payload/kind-destination'));
  });

  it('flags forbidden headers and undocumented headers at their severities', () => {
    const r = audit(httpRequest(cliEnveloped(), { headers: [['authorization', 'Bearer abc'], ['x-request-id', '42'], ['user-agent', 'curl/8.0']] }));
    const sev = Object.fromEntries(r.findings.map((f) => [f.rule, f.severity]));
    assert.deepEqual(sev, { 'request/forbidden-header': 'error', 'request/undocumented-header': 'warning', 'request/user-agent': 'warning' });
  });

  it('skips loopback destinations: they never leave the machine', () => {
    const r = audit(httpRequest({ query: '{ orders { id } }' }, { url: 'http://127.0.0.1:8080/v1/graphql' }));
    assert.equal(r.verdict, 'skipped');
    assert.deepEqual(r.findings, []);
  });

  it('audits a bare payload without a destination', () => {
    const r = audit(httpRequest(cliEnveloped(), { url: null, headers: [] }));
    assert.equal(r.verdict, 'pass');
  });

  it('reports a duplicate key, whose hidden value the parsed object does not show', () => {
    const raw = JSON.stringify(cliEnveloped()).replace('"command":"hasura version"', '"command":"hasura init --admin-secret","command":"hasura version"');
    const r = audit(httpRequest(raw, { raw: true }));
    assert.deepEqual(rules(r), ['body/duplicate-key']);
  });

  it('gives findings fingerprints that ignore request ids and times', () => {
    const a = audit(httpRequest(cliFlat({ command: 'hasura init --endpoint' }), { id: 'a', time: '2020-01-01T00:00:00Z' }));
    const b = audit(httpRequest(cliFlat({ command: 'hasura init --endpoint' }), { id: 'b', time: '2026-01-01T00:00:00Z' }));
    assert.deepEqual(a.findings.map((f) => f.fingerprint), b.findings.map((f) => f.fingerprint));
    const c = audit(httpRequest(cliFlat({ command: 'hasura init --admin-secret' })));
    assert.notDeepEqual(a.findings.map((f) => f.fingerprint), c.findings.map((f) => f.fingerprint));
  });
});

describe('policy severities', () => {
  it('can turn a rule off or change its severity', () => {
    const p = compilePolicy({ ...hasuraPolicy, severities: { 'schema/undocumented-field': 'off', 'hasura/cli-command-flags': 'warning' } });
    const r = auditRequest(httpRequest(cliFlat({ command: 'hasura init --endpoint' })), p);
    assert.deepEqual(r.findings.map((f) => [f.rule, f.severity]), [['hasura/cli-command-flags', 'warning']]);
  });
});
