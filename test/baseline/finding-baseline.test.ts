import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { baselineEntry, baselineFile, BaselineMatcher, parseBaselineFile } from '../../src/baseline/finding-baseline.js';
import { stableJson } from '../../src/baseline/stable-json.js';
import { auditRequest } from '../../src/engine/audit-request.js';
import { compilePolicy } from '../../src/engine/compiled-policy.js';
import { DEFAULT_DETECTORS } from '../../src/detectors/default-detectors.js';
import { detectorRules } from '../../src/cli/options/detection-options.js';
import { hasuraPolicy } from '../../src/policy/packs/hasura/index.js';
import { cliFlat, httpRequest } from '../helpers/requests.js';

const compiled = compilePolicy(hasuraPolicy, detectorRules(DEFAULT_DETECTORS));
const audit = (body: unknown, opts: Parameters<typeof httpRequest>[1] = {}) => auditRequest(httpRequest(body, opts), compiled, { detectors: DEFAULT_DETECTORS });

describe('findings baseline', () => {
  it('approves a finding seen again with another id, time and line, and not a different leak', () => {
    const first = audit(cliFlat({ command: 'hasura migrate apply --admin-secret' }), { id: 'a:1', time: '2026-01-01T00:00:00.000Z' });
    assert.equal(first.verdict, 'fail');
    const matcher = new BaselineMatcher(first.findings.map(baselineEntry));
    const again = matcher.apply(audit(cliFlat({ command: 'hasura migrate apply --admin-secret' }), { id: 'b:7', time: '2027-05-05T00:00:00.000Z' }));
    assert.equal(again.verdict, 'pass');
    assert.ok(again.findings.length > 0 && again.findings.every((f) => f.approved));
    const other = matcher.apply(audit(cliFlat({ command: 'hasura metadata apply --endpoint' }), { id: 'c:2' }));
    assert.equal(other.verdict, 'fail');
    assert.ok(other.findings.some((f) => !f.approved && f.severity === 'error'));
    assert.deepEqual(matcher.stale(), []);
  });

  it('points out approvals that nothing matched any more', () => {
    const r = audit(cliFlat({ command: 'hasura migrate apply --admin-secret' }));
    const matcher = new BaselineMatcher([...r.findings.map(baselineEntry), { fingerprint: 'f'.repeat(32), rule: 'x/y', kind: null, location: 'url' }]);
    matcher.apply(r);
    assert.deepEqual(matcher.stale().map((e) => e.rule), ['x/y']);
  });

  it('writes sorted, deduplicated entries without evidence, and reads them back', () => {
    const secret = 'jane.doe@acme-corp.example';
    const r = audit(cliFlat({ error: `cannot reach ${secret}` }));
    const entries = [...r.findings, ...r.findings].map(baselineEntry);
    const text = stableJson(baselineFile(entries.reverse(), 'hasura'));
    assert.ok(!text.includes(secret) && !text.includes('jane'), text);
    const parsed = parseBaselineFile(text);
    assert.ok(parsed.ok);
    assert.equal(parsed.value.findings.length, new Set(r.findings.map((f) => f.fingerprint)).size);
    const sorted = [...parsed.value.findings].sort((a, b) => (a.rule + a.location < b.rule + b.location ? -1 : 1));
    assert.deepEqual(parsed.value.findings.map((f) => f.rule + f.location), sorted.map((f) => f.rule + f.location));
    assert.equal(stableJson(baselineFile(parsed.value.findings, 'hasura')), text);
  });

  it('writes a key that is user data as a hash in the location', () => {
    const entry = baselineEntry({ rule: 'schema/unknown-field', severity: 'error', message: 'm', requestId: 'r', kind: 'k', location: { part: 'body', path: '$.data["jane.doe@acme.example"][3].x' }, fingerprint: 'a'.repeat(32) });
    assert.match(entry.location, /^body \$\.data\[#[0-9a-f]{12}\]\[\]\.x$/);
  });

  it('rejects a malformed baseline', () => {
    for (const bad of ['[]', '{"baselineVersion":1,"tool":"telemetry-audit","policy":"p","findings":[{"fingerprint":"xyz","rule":"a/b","kind":null,"location":"url"}]}', '{"baselineVersion":2,"tool":"telemetry-audit","policy":"p","findings":[]}']) {
      assert.equal(parseBaselineFile(bad).ok, false, bad);
    }
  });
});
