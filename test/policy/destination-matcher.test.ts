/**
 * What policies for real tools need beyond Hasura: kinds recognised by where they are sent, and
 * severities set for a whole rule namespace (detectors included), exact ids winning.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auditRequest } from '../../src/engine/audit-request.js';
import { compileMatcher, compilePolicy } from '../../src/engine/compiled-policy.js';
import { DEFAULT_DETECTORS } from '../../src/detectors/default-detectors.js';
import { detectorRules } from '../../src/cli/options/detection-options.js';
import type { Policy } from '../../src/policy/policy-schema.js';
import { httpRequest } from '../helpers/requests.js';

const target = { host: 'telemetry.example.dev', path: '/v1/ping', method: 'POST', transport: 'http' as const };

describe('destination matchers', () => {
  const cases: Array<[string, Parameters<typeof compileMatcher>[0], boolean]> = [
    ['host', { destination: { host: 'Telemetry.Example.dev' } }, true],
    ['other host', { destination: { host: 'example.dev' } }, false],
    ['path', { destination: { path: '/v1/ping' } }, true],
    ['path pattern', { destination: { pathPattern: '^/v\\d+/ping$' } }, true],
    ['method', { destination: { method: 'post' } }, true],
    ['wrong method', { destination: { method: 'GET' } }, false],
    ['transport', { destination: { transport: 'websocket' } }, false],
    ['combined with a field', { all: [{ destination: { path: '/v1/ping' } }, { path: 'day', exists: true }] }, true],
  ];
  for (const [name, matcher, want] of cases) {
    it(`${name} → ${want}`, () => assert.equal(compileMatcher(matcher, ['m'])({ day: '2026-11-03' }, target), want));
  }
  it('never matches a payload whose destination is unknown', () => {
    assert.equal(compileMatcher({ destination: { host: 'telemetry.example.dev' } }, ['m'])({}, null), false);
  });
});

const policy: Policy = {
  name: 'tool',
  title: 'Tool',
  destinations: [{ host: 'telemetry.example.dev', paths: ['/v1/ping', '/v1/other'], kinds: ['ping'] }],
  kinds: [
    {
      id: 'ping',
      title: 'Ping',
      match: { destination: { host: 'telemetry.example.dev', path: '/v1/ping' } },
      schema: { type: 'object', fields: { day: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' }, note: { type: 'string', format: 'free-text', optional: true } } },
    },
  ],
};
const rules = detectorRules(DEFAULT_DETECTORS);
const audit = (p: Policy, body: unknown, url = 'https://telemetry.example.dev/v1/ping') =>
  auditRequest(httpRequest(body, { url, headers: [] }), compilePolicy(p, rules), { detectors: DEFAULT_DETECTORS });

describe('a kind recognised by destination', () => {
  it('classifies a payload with no distinguishing field by where it went', () => {
    const r = audit(policy, { day: '2026-11-03' });
    assert.equal(r.kind, 'ping');
    assert.deepEqual(r.findings, []);
  });
  it('the same payload sent elsewhere is an unknown kind', () => {
    const r = audit(policy, { day: '2026-11-03' }, 'https://telemetry.example.dev/v1/other');
    assert.equal(r.kind, null);
    assert.deepEqual(r.findings.map((f) => f.rule), ['payload/unknown-kind']);
  });
});

describe('severities for a rule namespace', () => {
  const leak = { day: '2026-11-03', note: 'from dana@acme-payroll.com' };
  it('a wildcard sets every rule of the namespace, detectors included', () => {
    const r = audit({ ...policy, severities: { 'pii/*': 'warning' } }, leak);
    assert.deepEqual(r.findings.map((f) => [f.rule, f.severity]), [['pii/email', 'warning']]);
    assert.equal(r.verdict, 'warn');
  });
  it('an exact rule id wins over a wildcard, and "off" silences', () => {
    assert.deepEqual(audit({ ...policy, severities: { 'pii/*': 'warning', 'pii/email': 'error' } }, leak).findings.map((f) => f.severity), ['error']);
    assert.deepEqual(audit({ ...policy, severities: { 'pii/*': 'off' } }, leak).findings, []);
  });
  it('a wildcard that matches no rule is a policy error', () => {
    assert.throws(() => compilePolicy({ ...policy, severities: { 'mytool/*': 'off' } }, rules), /no rule starts with "mytool\/"/);
  });
});
