/**
 * The one pass over a parsed body (engine/scan.ts scanJsonBody): a body whose raw text shows
 * nothing is not scanned string by string. That is only sound when every hit a string literal
 * would give also shows in the whole text, so both halves are tested here as properties:
 * each default detector that claims it keeps it, and auditRequest gives exactly the findings
 * of the string-by-string scan (forced by detectors that do not claim it) on bodies with leaks
 * planted in every detector's shape and every encoding, clean ones, and escaped ones.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { CapturedRequest } from '../../src/capture/captured-request.js';
import type { Detector } from '../../src/detectors/detector.js';
import { DEFAULT_DETECTORS } from '../../src/detectors/default-detectors.js';
import { detectorRules } from '../../src/cli/options/detection-options.js';
import { auditRequest } from '../../src/engine/audit-request.js';
import { compilePolicy } from '../../src/engine/compiled-policy.js';
import { hasuraPolicy } from '../../src/policy/packs/hasura/index.js';
import { decodeLayers, mayDecodeInside } from '../../src/terms/decode-layers.js';
import { LeakScanner } from '../../src/terms/leak-scanner.js';
import { TERM_RULE_DOCS } from '../../src/terms/sensitive-term.js';

const policy = compilePolicy(hasuraPolicy, [...detectorRules(DEFAULT_DETECTORS), ...TERM_RULE_DOCS]);
const CANARY = 'Zebra_canary77';

/** A value of every detector's shape (and near misses), and the canary as sent in several encodings. */
const LEAKS = [
  'dev.lead@acme-corp.io',
  'mail me at a.b+c@d-e.example.org now',
  '6ba7b810-9dad-11d1-80b4-00c04fd430c8',
  '10.1.2.3',
  'from 192.168.10.20:8080',
  'fe80::1ff:fe23:4567:890a',
  '::ffff:10.1.2.3',
  '00:1a:2b:3c:4d:5e',
  '001a.2b3c.4d5e',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl',
  '-----BEGIN RSA PRIVATE KEY-----MIIEowIBAAKCAQEA',
  'AKIAIOSFODNN7EXAMPLE',
  'aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'postgres://admin:hunter2@db.acme.internal:5432/app',
  '4111 1111 1111 1111',
  '4111111111111111',
  '/home/alice/projects',
  'C:/Users/bob/app',
  'build-7.corp.acme.com',
  'db.internal',
  CANARY,
  CANARY.toUpperCase(),
  encodeURIComponent(`x ${CANARY}`),
  Buffer.from(`{"name":"${CANARY}"}`).toString('base64'),
  Buffer.from(CANARY).toString('hex'),
  createHash('sha256').update(CANARY).digest('hex'),
  createHash('md5').update(CANARY).digest('base64'),
  [...CANARY].map((c) => `&#${c.charCodeAt(0)};`).join(''),
  Buffer.from('ping dev.lead@acme-corp.io').toString('base64'),
];

// Near neighbours of the leaks: the characters the detectors' look-arounds and classes care about.
const glueArb = fc.constantFrom('', ' ', '.', '-', '_', ':', '/', '@', 'a', '1', '=', '%', 'x.y', '1.2', '&amp;');
const valueArb = fc.oneof(
  fc.tuple(glueArb, fc.constantFrom(...LEAKS), glueArb).map(([a, leak, b]) => `${a}${leak}${b}`),
  fc.stringMatching(/^[a-z0-9 ._:/@-]{0,12}$/),
  fc.constantFrom('v2.36.0', 'linux', 'server_metrics_v2', 'cafebabe-0000-4000-8000-000000000000', 'a\\b', 'tab\there', 'quote " inside'),
);
const leafArb = fc.oneof(valueArb, fc.integer(), fc.constant(4111111111111111), fc.boolean(), fc.constant(null));
const bodyArb = fc.dictionary(fc.oneof(fc.stringMatching(/^[a-z_]{1,8}$/), valueArb), fc.oneof(leafArb, fc.array(leafArb, { maxLength: 3 }), fc.dictionary(valueArb, leafArb, { maxKeys: 3 })), {
  minKeys: 1,
  maxKeys: 6,
});

function request(body: unknown): CapturedRequest {
  return {
    id: 'one-pass',
    time: '2026-11-02T09:15:02.114Z',
    method: 'POST',
    url: 'https://telemetry.hasura.io/v1/http',
    headers: [['content-type', 'application/json']],
    body: Buffer.from(JSON.stringify(body)),
    transport: 'http',
    origin: { kind: 'generated', generator: 'one-pass test' },
  };
}

/** Every string literal of a JSON value (keys and string values), as the string-by-string scan sees them. */
function literals(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) literals(v, out);
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(k, ...literals(v));
  return out;
}

describe('one pass over a parsed body', () => {
  it('every default detector claims that a hit in a string literal shows in the whole body', () => {
    assert.deepEqual(DEFAULT_DETECTORS.filter((d) => !d.literalHitsShowInWhole).map((d) => d.id), []);
  });

  it('and keeps it: a literal with a hit makes a body without backslashes show a hit (property)', () => {
    fc.assert(
      fc.property(bodyArb, (body) => {
        const raw = JSON.stringify(body);
        fc.pre(!raw.includes('\\'));
        for (const d of DEFAULT_DETECTORS) {
          const inLiteral = literals(body).find((s) => d.detect(s).length > 0);
          if (inLiteral !== undefined) assert.ok(d.detect(raw).length > 0, `${d.id}: ${JSON.stringify(inLiteral)} hit alone, nothing in ${raw}`);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('mayDecodeInside is true whenever a literal of the text decodes to something (property)', () => {
    // Runs of what blobs are made of, hex-heavy and upper-case-heavy, with slashes, padding and
    // the other triggers, and base64 and hex of real text among them.
    const blobArb = fc.oneof(
      fc.stringMatching(/^[0-9a-fA-F/=]{6,40}$/),
      fc.stringMatching(/^[A-Za-z0-9+/_=-]{6,40}$/),
      fc.stringMatching(/^[a-z0-9/%&;#.-]{4,30}$/),
      fc.string({ minLength: 4, maxLength: 24 }).map((t) => Buffer.from(t).toString(['base64', 'base64url', 'hex'][t.length % 3] as BufferEncoding)),
      fc.tuple(fc.stringMatching(/^[a-z]{1,6}$/), fc.string({ minLength: 4, maxLength: 16 }), fc.boolean()).map(([a, t, first]) => {
        const hex = Buffer.from(t).toString('hex');
        return first ? `${hex}/${a}` : `${a}/${hex}`;
      }),
    );
    let decodable = 0;
    fc.assert(
      fc.property(fc.array(blobArb, { minLength: 1, maxLength: 4 }), (values) => {
        const raw = JSON.stringify(values);
        fc.pre(!raw.includes('\\'));
        const inLiteral = values.find((v) => decodeLayers(v).length > 0);
        if (inLiteral !== undefined) {
          decodable++;
          assert.ok(mayDecodeInside(raw), `${JSON.stringify(inLiteral)} decodes, but ${raw} was cleared`);
        }
      }),
      { numRuns: 5000 },
    );
    assert.ok(decodable > 500, `only ${decodable} of 5000 had a decodable literal`);
  });

  it('auditRequest gives the findings of the string-by-string scan, leaks or none, escaped or not (property)', () => {
    const scanner = new LeakScanner({ terms: [{ value: CANARY, kind: 'canary' }], detectors: DEFAULT_DETECTORS });
    const onePass = { detectors: DEFAULT_DETECTORS, scanners: [scanner] };
    // Detectors that make no claim: every literal is scanned, as before the one pass.
    const unclaimed: Detector[] = DEFAULT_DETECTORS.map((d) => ({ id: d.id, severity: d.severity, title: d.title, description: d.description, detect: d.detect }));
    const perLiteral = { detectors: unclaimed, scanners: [scanner] };
    let leaky = 0;
    fc.assert(
      fc.property(bodyArb, (body) => {
        const a = auditRequest(request(body), policy, onePass);
        const b = auditRequest(request(body), policy, perLiteral);
        assert.deepEqual(a.findings, b.findings, JSON.stringify(body));
        assert.equal(a.verdict, b.verdict);
        if (a.findings.some((f) => f.evidence !== undefined)) leaky++;
      }),
      { numRuns: 2000 },
    );
    // The property is only worth something if most bodies carried a leak to find.
    assert.ok(leaky > 500, `only ${leaky} of 2000 bodies had a leak`);
  });

  it('a leak in a literal is reported at its path, once, in the one pass too', () => {
    const scanner = new LeakScanner({ terms: [{ value: CANARY, kind: 'canary' }], detectors: DEFAULT_DETECTORS });
    const r = auditRequest(request({ topic: 'cli', data: { note: `by dev.lead@acme-corp.io`, tag: Buffer.from(CANARY).toString('base64') } }), policy, {
      detectors: DEFAULT_DETECTORS,
      scanners: [scanner],
    });
    const leaks = r.findings.filter((f) => !f.rule.startsWith('schema/')).map((f) => `${f.rule} ${f.location.part === 'body' ? f.location.path : ''}`);
    assert.deepEqual(leaks.sort(), ['pii/email $.data.note', 'term/canary $.data.tag']);
  });
});
