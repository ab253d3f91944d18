/**
 * Property: a term planted anywhere a request can carry it (a JSON key or value at any depth,
 * the URL path or query, a header) in any encoding is always found; the same request without
 * it yields no term finding. Through auditRequest, as every command runs it.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { CapturedRequest } from '../../src/capture/captured-request.js';
import { DEFAULT_DETECTORS } from '../../src/detectors/default-detectors.js';
import { detectorRules } from '../../src/cli/options/detection-options.js';
import { auditRequest } from '../../src/engine/audit-request.js';
import { compilePolicy } from '../../src/engine/compiled-policy.js';
import { hasuraPolicy } from '../../src/policy/packs/hasura/index.js';
import { LeakScanner } from '../../src/terms/leak-scanner.js';
import { TERM_RULE_DOCS } from '../../src/terms/sensitive-term.js';
import { termProblem } from '../../src/terms/term-check.js';

const policy = compilePolicy(hasuraPolicy, [...detectorRules(DEFAULT_DETECTORS), ...TERM_RULE_DOCS]);

const hash = (alg: string, s: string, enc: 'hex' | 'base64' | 'base64url') => createHash(alg).update(s).digest(enc);
const pct = (s: string) => [...Buffer.from(s)].map((b) => '%' + b.toString(16).padStart(2, '0').toUpperCase()).join('');

/** Encodings a leak can take, each applied to the term as it would be sent. */
const ENCODINGS: Record<string, (t: string) => string> = {
  raw: (t) => t,
  'raw upper-case': (t) => t.toUpperCase(),
  'url-encoded': (t) => encodeURIComponent(t).replace(/_/g, '%5F'),
  'url-encoded every byte': pct,
  'url-encoded form': (t) => encodeURIComponent(t).replace(/%20/g, '+'),
  'url-encoded twice': (t) => encodeURIComponent(pct(t)),
  'json-unicode': (t) => [...t].map((c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')).join(''),
  'html-entities': (t) => [...t].map((c) => `&#${c.charCodeAt(0)};`).join(''),
  'html-entities hex': (t) => [...t].map((c) => `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`).join(''),
  'hex lower': (t) => Buffer.from(t).toString('hex'),
  'hex upper': (t) => Buffer.from(t).toString('hex').toUpperCase(),
  // Inside a longer blob of random bytes: only the alignment variants can find these.
  'base64 offset 0': (t) => Buffer.concat([randomBytes(3), Buffer.from(t), randomBytes(4)]).toString('base64'),
  'base64 offset 1': (t) => Buffer.concat([randomBytes(4), Buffer.from(t), randomBytes(2)]).toString('base64'),
  'base64 offset 2': (t) => Buffer.concat([randomBytes(5), Buffer.from(t), randomBytes(3)]).toString('base64'),
  'base64url offset 1': (t) => Buffer.concat([randomBytes(1), Buffer.from(t), randomBytes(5)]).toString('base64url'),
  'base64 of text': (t) => Buffer.from(`{"name":"${t}"}`).toString('base64'),
  'md5-hex': (t) => hash('md5', t, 'hex'),
  'sha1-hex': (t) => hash('sha1', t, 'hex'),
  'sha256-hex': (t) => hash('sha256', t, 'hex'),
  'sha256-hex lower-cased': (t) => hash('sha256', t.toLowerCase(), 'hex'),
  'sha512-hex': (t) => hash('sha512', t, 'hex'),
  'md5-base64': (t) => hash('md5', t, 'base64'),
  'sha256-base64': (t) => hash('sha256', t, 'base64'),
  'sha1-base64url': (t) => hash('sha1', t, 'base64url'),
};

type Place = 'value' | 'key' | 'nested' | 'array' | 'url-path' | 'url-query' | 'header';
const PLACES: Place[] = ['value', 'key', 'nested', 'array', 'url-path', 'url-query', 'header'];

// Terms like real names: letters, digits, underscores, sometimes a space or a capital.
const termArb = fc
  .tuple(
    fc.stringMatching(/^[A-Za-z][a-z]{3,9}$/),
    fc.constantFrom('_', ' ', '-', ''),
    fc.stringMatching(/^[a-z0-9]{2,8}$/),
  )
  .map(([a, sep, b]) => `${a}${sep}${b}`)
  .filter((t) => termProblem(t) === null);

// Payload content: short words that cannot spell a term by chance.
const leafArb = fc.oneof(fc.stringMatching(/^[a-z ]{0,8}$/), fc.integer(), fc.boolean(), fc.constant(null));
const payloadArb = fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), fc.oneof(leafArb, fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), leafArb, { maxKeys: 3 })), {
  minKeys: 1,
  maxKeys: 6,
});

function request(payload: unknown, url: string, headers: Array<[string, string]>): CapturedRequest {
  return {
    id: 'prop',
    time: '2026-11-02T09:15:02.114Z',
    method: 'POST',
    url,
    headers,
    body: Buffer.from(JSON.stringify(payload)),
    transport: 'http',
    origin: { kind: 'generated', generator: 'property test' },
  };
}

function plant(payload: Record<string, unknown>, place: Place, enc: string): { payload: unknown; url: string; headers: Array<[string, string]> } {
  const url = 'https://telemetry.hasura.io/v1/http';
  const headers: Array<[string, string]> = [['user-agent', 'hasura-graphql-engine/v2.36.0']];
  switch (place) {
    case 'value':
      return { payload: { ...payload, planted: enc }, url, headers };
    case 'key':
      return { payload: { ...payload, [enc]: 1 }, url, headers };
    case 'nested':
      return { payload: { ...payload, a: { b: [{ c: `see ${enc} here` }] } }, url, headers };
    case 'array':
      return { payload: { ...payload, list: ['x', enc] }, url, headers };
    case 'url-path':
      return { payload, url: `https://telemetry.hasura.io/v1/${enc}/http`, headers };
    case 'url-query':
      return { payload, url: `https://telemetry.hasura.io/v1/http?id=${enc}&v=2`, headers };
    case 'header':
      return { payload, url, headers: [...headers, ['x-trace', `t=${enc}`]] };
  }
}

const termFindings = (r: ReturnType<typeof auditRequest>) => r.findings.filter((f) => f.matched?.split(',').includes('canary'));

describe('leak scanner through auditRequest (property)', () => {
  it('finds a term planted anywhere, in any encoding; finds nothing without it', () => {
    fc.assert(
      fc.property(termArb, payloadArb, fc.constantFrom(...PLACES), fc.constantFrom(...Object.keys(ENCODINGS)), (term, payload, place, encName) => {
        const scanner = new LeakScanner({ terms: [{ value: term, kind: 'canary' }], detectors: DEFAULT_DETECTORS });
        const options = { detectors: DEFAULT_DETECTORS, scanners: [scanner] };
        const planted = plant(payload, place, ENCODINGS[encName]!(term));
        const found = termFindings(auditRequest(request(planted.payload, planted.url, planted.headers), policy, options));
        assert.ok(found.length >= 1, `${encName} at ${place} not found: ${JSON.stringify(planted).slice(0, 300)}`);
        assert.ok(found.every((f) => f.evidence !== undefined));
        const clean = plant(payload, place, 'nothing to see');
        assert.deepEqual(termFindings(auditRequest(request(clean.payload, clean.url, clean.headers), policy, options)), []);
      }),
      { numRuns: 600 },
    );
  });

  it('says which encoding matched and reports one value once', () => {
    const scanner = new LeakScanner({ terms: [{ value: 'loyalty_points', kind: 'metadata:table' }, { value: 'loyalty_points', kind: 'metadata:column' }], detectors: [] });
    const opts = { detectors: [], scanners: [scanner] };
    const enc = (body: unknown) => auditRequest(request(body, 'https://telemetry.hasura.io/v1/http', []), policy, opts).findings.filter((f) => f.rule === 'term/metadata');
    const sha = hash('sha256', 'loyalty_points', 'hex');
    assert.deepEqual(enc({ x: sha }).map((f) => [f.encoding, f.matched, f.location]), [['sha256-hex', 'metadata:column,metadata:table', { part: 'body', path: '$.x' }]]);
    // Escaped in the raw body, plain in the parsed value: one finding, at the precise path.
    const raw = '{"x":"\\u006coyalty_points"}';
    const r = auditRequest({ ...request({}, 'https://telemetry.hasura.io/v1/http', []), body: Buffer.from(raw) }, policy, opts);
    assert.deepEqual(r.findings.filter((f) => f.rule === 'term/metadata').map((f) => f.location), [{ part: 'body', path: '$.x' }]);
    // A longer term containing a shorter one is one value.
    const two = new LeakScanner({ terms: [{ value: 'customers', kind: 'metadata:table' }, { value: 'top_loyal_customers', kind: 'metadata:native-query' }], detectors: [] });
    const hits = two.scan({ location: { part: 'url' }, text: '/data/native-queries/x/top_loyal_customers/modify' });
    assert.deepEqual(hits.map((h) => h.matched), ['metadata:native-query']);
  });
});
