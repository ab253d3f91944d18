/** Query parameters and form bodies audited field by field, with the same field specs as JSON. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import YAML from 'yaml';
import { auditRequest } from '../../src/engine/audit-request.js';
import { compilePolicy } from '../../src/engine/compiled-policy.js';
import { DEFAULT_DETECTORS } from '../../src/detectors/default-detectors.js';
import { PolicySchema } from '../../src/policy/policy-schema.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { httpRequest } from '../helpers/requests.js';

const policy = compilePolicy(PolicySchema.parse(YAML.parse(readFileSync(path.join(REPO_ROOT, 'fixtures/devtool/devtool.policy.yaml'), 'utf8'))));
const ua: Array<[string, string]> = [['user-agent', 'devtool/1.2.3']];
const get = (query: string) => auditRequest(httpRequest('', { method: 'GET', url: `https://checkpoint.devtool.test/check?${query}`, headers: ua, raw: true }), policy);
const form = (body: string, cid = '0b3c1f5e-8a4b-4c2d-9e1f-2a3b4c5d6e7f') =>
  auditRequest(httpRequest(body, { url: `https://analytics.devtool.test/g/collect?v=2&tid=G-DEVTOOL01&cid=${cid}`, headers: [...ua, ['content-type', 'application/x-www-form-urlencoded']], raw: true }), policy);
const rules = (r: ReturnType<typeof get>) => r.findings.map((f) => `${f.rule}@${f.location.part}${'path' in f.location && f.location.path ? f.location.path : ''}`).sort();

describe('non-JSON telemetry', () => {
  it('a GET checkpoint: every query parameter checked, unknown and repeated ones reported in the URL', () => {
    const ok = get('product=devtool&version=1.2.3&project_hash=abcd1234&os=linux&arch=x64');
    assert.deepEqual([ok.kind, ok.verdict, rules(ok)], ['checkpoint', 'pass', []]);
    const bad = get('product=devtool&version=1.2.3&project_hash=abcd1234&project_hash=ffff0000&os=linux&arch=x64&user=alice');
    assert.deepEqual(rules(bad), ['schema/type@url$.project_hash', 'schema/unknown-field@url$.user']);
    assert.ok(bad.findings.every((f) => f.location.part !== 'url' || ('component' in f.location && f.location.component === 'query')));
    assert.deepEqual(rules(get('product=devtool&version=1.2.3&os=linux&arch=x64')), ['schema/missing-field@url$.project_hash']);
  });

  it('a GA4 batch: one form record per line, each checked; a query string without a spec is still request/url-query', () => {
    const ok = form('en=command&ep.command=build&epn.duration=12\nen=timing&epn.duration=340');
    assert.deepEqual([ok.kind, rules(ok)], ['ga4-batch', []]);
    assert.deepEqual(rules(form('en=command&ep.command=deploy&epn.duration=12&x=1')), ['schema/unknown-field@body$[0].x', 'schema/value@body$[0]["ep.command"]']);
    assert.deepEqual(rules(form('en=timing&epn.duration=1', 'not-a-uuid')), ['schema/format@url$.cid']);
    const json = auditRequest(httpRequest({ eventName: 'build', version: '1.2.3', projectHash: 'abcd1234', sessionId: '0b3c1f5e-8a4b-4c2d-9e1f-2a3b4c5d6e7f', inContainer: false }, { url: 'https://telemetry.devtool.test/v1/events?debug=1', headers: ua }), policy);
    assert.deepEqual(rules(json), ['request/url-query@url']);
  });

  it('detectors scan decoded form values', () => {
    const r = auditRequest(httpRequest('en=command&ep.command=deploy%20alice%40corp.example&epn.duration=1', { url: 'https://analytics.devtool.test/g/collect?v=2&tid=G-DEVTOOL01&cid=0b3c1f5e-8a4b-4c2d-9e1f-2a3b4c5d6e7f', headers: ua, raw: true }), policy, { detectors: DEFAULT_DETECTORS });
    assert.ok(r.findings.some((f) => f.rule === 'pii/email'));
  });
});
