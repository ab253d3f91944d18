import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { auditRequest } from '../../src/engine/audit-request.js';
import { compilePolicy } from '../../src/engine/compiled-policy.js';
import { hasuraPolicy } from '../../src/policy/packs/hasura/index.js';
import { PolicySchema } from '../../src/policy/policy-schema.js';
import { FIXTURES } from '../helpers/paths.js';
import { httpRequest } from '../helpers/requests.js';

describe('the Hasura policy pack', () => {
  it('is valid policy data that survives a JSON round trip', () => {
    const roundTripped = JSON.parse(JSON.stringify(hasuraPolicy));
    const parsed = PolicySchema.safeParse(roundTripped);
    assert.ok(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues.slice(0, 3)));
    assert.doesNotThrow(() => compilePolicy(parsed.data!));
  });

  it('carries the guide samples exactly as the fixtures hold them', () => {
    const byKind = Object.fromEntries(hasuraPolicy.kinds.map((k) => [k.id, k.sample]));
    const files: Record<string, string> = {
      'server-v1-sample': 'server.json',
      'ee-metrics': 'ee-metrics.json',
      'ee-source-metrics': 'ee-source-metrics.json',
      'ee-usage-metrics': 'ee-usage-metrics.json',
      'console-sample': 'console.json',
      'cli-sample': 'cli.json',
    };
    for (const [kind, file] of Object.entries(files)) {
      assert.deepEqual(byKind[kind], JSON.parse(readFileSync(path.join(FIXTURES, 'hasura/samples', file), 'utf8')), kind);
    }
  });

  it('gives every string field a format, enum, pattern or path vocabulary', () => {
    // PolicySchema enforces it; this guards against a refine being dropped from the schema.
    const bad = { ...hasuraPolicy, kinds: [{ ...hasuraPolicy.kinds[0]!, schema: { type: 'object', fields: { x: { type: 'string' } } } }] };
    assert.equal(PolicySchema.safeParse(bad).success, false);
  });

  it('documents every rule it references', () => {
    const p = { ...hasuraPolicy, rules: [] };
    assert.throws(() => compilePolicy(p), /rule "hasura\/[a-z-]+" is not defined/);
  });
});

describe('console routes', () => {
  const policy = compilePolicy(hasuraPolicy);
  const frame = (url: string) => ({
    data: {
      server_version: 'v2.36.0', url, console_mode: 'server', console_type: 'oss', cli_uuid: '',
      server_uuid: '6513270e-269e-4d37-b2a7-4de452e6b438', event_type: 'CLICK_EVENT', event_data: { id: 'Modify Table Save Button' },
    },
    topic: 'console-v2',
  });
  const routeFindings = (url: string) =>
    auditRequest(httpRequest(frame(url), { method: 'WS', url: 'wss://telemetry.hasura.io/v1/ws', transport: 'websocket', headers: [] }), policy).findings
      .filter((f) => f.rule === 'hasura/console-route-name')
      .map((f) => f.evidence);

  it('accepts the source Hasura creates, "default", in the legacy data route (issue 12)', () => {
    assert.deepEqual(routeFindings('/data/default/schema/SCHEMA_NAME/tables/TABLE_NAME/modify'), []);
    assert.deepEqual(routeFindings('/data/manage/source/default/edit'), []);
  });

  it('still fails a source name the user chose, in the same places', () => {
    assert.deepEqual(routeFindings('/data/inventory_prod/schema/SCHEMA_NAME/tables/TABLE_NAME/modify'), ['inventory_prod']);
    assert.deepEqual(routeFindings('/data/manage/source/inventory_prod/edit'), ['inventory_prod']);
  });

  // A page that closes before its first frame: the proxy audits the bare handshake (issue 16's
  // browse runs met it on a loaded machine as a payload/empty error that failed an honest console).
  const handshake = (url: string, body = '') =>
    auditRequest(httpRequest(body, { raw: true, method: 'GET', url, transport: 'websocket', headers: [['user-agent', 'Mozilla/5.0 (X11; Linux x86_64) Chrome/124.0.0.0 Safari/537.36'], ['origin', 'http://127.0.0.1:40663'], ['upgrade', 'websocket'], ['sec-websocket-version', '13']] }), policy);

  it("the console's socket opened without a frame is the console-ws-open kind and passes", () => {
    const r = handshake('wss://telemetry.hasura.io/v1/ws');
    assert.equal(r.kind, 'console-ws-open');
    assert.deepEqual(r.findings.map((f) => f.rule), []);
  });

  it('a handshake that carries data, elsewhere or with a query is still judged', () => {
    assert.deepEqual(handshake('wss://telemetry.hasura.io/v1/ws', 'x').findings.map((f) => f.rule), ['schema/value']);
    assert.ok(handshake('wss://telemetry.hasura.io/v1/ws?user=alice').findings.some((f) => f.rule === 'request/url-query'));
    assert.notEqual(handshake('wss://collector.example/v1/ws').verdict, 'pass');
  });
});
