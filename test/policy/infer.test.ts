/**
 * Drafting policies from captures: each field gets the narrowest type and format every value
 * fits, every string is marked for review, flagged values never become allowed values, and
 * kinds are split by a field like `type`/`topic` when one names them, else by destination.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_DETECTORS } from '../../src/detectors/default-detectors.js';
import { compilePolicy } from '../../src/engine/compiled-policy.js';
import { inferField, inferObject } from '../../src/policy/infer/infer-field.js';
import { InferError, inferPolicy } from '../../src/policy/infer/infer-policy.js';
import { PolicySchema } from '../../src/policy/policy-schema.js';
import { httpRequest } from '../helpers/requests.js';

const ctx = { detectors: DEFAULT_DETECTORS, maxEnum: 12 };
const field = (values: unknown[], parents = values.length) => inferField(values, parents, ctx);
const V4 = ['0f8fad5b-d9cb-469f-a165-70867728950e', '7c9e6679-7425-40de-944b-e07fc1f90ae7'];

describe('inferField', () => {
  const cases: Array<[string, unknown[], Record<string, unknown>]> = [
    ['random UUIDs', V4, { type: 'string', format: 'uuid-v4' }],
    ['ISO timestamps', ['2026-11-03T09:14:00.000Z', '2026-11-03T10:00:01+01:00'], { type: 'string', format: 'iso-timestamp' }],
    ['semantic versions', ['3.4.1', 'v20.11.1'], { type: 'string', format: 'semver' }],
    ['release tags', ['v2.36.0-ce.1', 'v2.36'], { type: 'string', format: 'version' }],
    ['digits in strings', ['150004', '160002'], { type: 'string', format: 'integer-string' }],
    ['a few identifiers', ['linux', 'darwin', 'linux'], { type: 'string', enum: ['darwin', 'linux'] }],
    ['scoped package names', ['@skyforge/plugin-images'], { type: 'string', enum: ['@skyforge/plugin-images'] }],
    ['sentences', ['could not build: missing layout', 'timeout after 30 s while fetching'], { type: 'string', format: 'free-text' }],
    ['counts', [0, 12, 3], { type: 'integer', min: 0 }],
    ['signed integers', [-1, 4], { type: 'integer' }],
    ['fractions', [0.5, 3], { type: 'number', min: 0 }],
    ['booleans', [true, false], { type: 'boolean' }],
  ];
  for (const [name, values, want] of cases) {
    it(`${name} → ${JSON.stringify(want)}`, () => {
      const spec = field(values) as unknown as Record<string, unknown>;
      const { review, ...rest } = spec;
      assert.deepEqual(rest, want);
      if (spec.type === 'string') assert.match(String(review), /^REVIEW: /, 'every string field is marked for review');
      else assert.equal(review, undefined);
    });
  }

  it('marks fields missing from some objects optional, and null values nullable', () => {
    assert.equal(field(V4, 3).optional, true);
    assert.deepEqual({ ...field([null, 4]), review: undefined }, { type: 'integer', min: 0, nullable: true, review: undefined });
    assert.equal(field([null]).type, 'null');
  });

  it('never allows a value a detector flags: an e-mail stays free text with the detector named', () => {
    const spec = field(['dana@acme-payroll.com', 'dana@acme-payroll.com']);
    assert.equal(spec.type, 'string');
    assert.equal((spec as { enum?: string[] }).enum, undefined);
    assert.match(spec.review!, /pii\/email matched .* a leak to fix in the tool, not a value to allow/);
  });

  it('says a v1 UUID is not anonymous rather than inferring uuid-v4', () => {
    const spec = field(['6f1c2e94-b8a1-11ee-9c45-0242ac120002']);
    assert.equal((spec as { format?: string }).format, 'free-text', 'the v1 UUID detector flags it first');
    assert.match(spec.review!, /identity\/uuid-v1/);
  });

  it('gives arrays an item spec, and only-empty arrays no room', () => {
    assert.deepEqual(field([[1, 2], [3]]), { type: 'array', items: { type: 'integer', min: 0 } });
    const empty = field([[], []]);
    assert.equal((empty as { maxItems?: number }).maxItems, 0);
  });

  it('splits nested objects into variants when a field like eventName selects different fields', () => {
    const spec = inferObject(
      [
        { eventName: 'build', pages: 3, at: '2026-11-03T09:14:00Z' },
        { eventName: 'build', pages: 5, at: '2026-11-03T09:15:00Z' },
        { eventName: 'lint', warnings: 2, at: '2026-11-03T09:16:00Z' },
      ],
      ctx,
    );
    assert.equal(spec.type, 'object');
    if (spec.type !== 'object') return;
    assert.deepEqual(Object.keys(spec.fields), ['at']);
    assert.equal(spec.variants?.discriminator, 'eventName');
    assert.deepEqual(Object.keys(spec.variants!.cases), ['build', 'lint']);
    assert.deepEqual(spec.variants!.cases.lint!.fields.warnings, { type: 'integer', min: 0 });
  });
});

describe('inferPolicy', () => {
  const url = 'https://telemetry.example.dev/v1/events';
  const ua: Array<[string, string]> = [['content-type', 'application/json'], ['user-agent', 'tool/1.0.0'], ['cookie', 'sid=1']];
  const requests = [
    httpRequest({ type: 'command', id: V4[0], command: 'build' }, { url, headers: ua }),
    httpRequest({ type: 'command', id: V4[1], command: 'dev' }, { url, headers: ua }),
    httpRequest({ type: 'error', id: V4[0], code: 'E1001' }, { url, headers: ua }),
    httpRequest({ id: V4[0], day: '2026-11-03' }, { url: 'https://telemetry.example.dev/v1/ping', headers: ua }),
    httpRequest({ q: 1 }, { url: 'http://127.0.0.1:8080/local', headers: ua }),
  ];

  it('drafts destinations, headers and kinds (by field value, else by destination), all marked for review', () => {
    const { policy, summary } = inferPolicy(requests, { name: 'tool', sources: ['caps.ndjson'], detectors: DEFAULT_DETECTORS });
    assert.ok(PolicySchema.safeParse(policy).success);
    const compiled = compilePolicy(policy);
    assert.deepEqual(
      policy.kinds.map((k) => [k.id, k.match]),
      [
        ['command', { path: 'type', equals: 'command' }],
        ['error', { path: 'type', equals: 'error' }],
        ['ping', { destination: { host: 'telemetry.example.dev', path: '/v1/ping' } }],
      ],
    );
    assert.ok(policy.kinds.every((k) => k.review?.startsWith('REVIEW: ')));
    assert.deepEqual(
      policy.destinations.map((d) => [d.host, d.paths, d.methods, d.kinds]),
      [
        ['telemetry.example.dev', ['/v1/events'], ['POST'], ['command', 'error']],
        ['telemetry.example.dev', ['/v1/ping'], ['POST'], ['ping']],
      ],
    );
    assert.deepEqual(policy.headers?.allowed, ['content-type', 'user-agent']);
    assert.ok(policy.headers?.forbidden?.includes('cookie'), 'a cookie seen is left forbidden');
    assert.equal(summary.payloads, 4, 'the loopback request is left out');
    assert.ok(summary.notes.some((n) => /loopback/.test(n)));
    assert.ok(summary.notes.some((n) => /cookie: left forbidden/.test(n)));
    assert.equal(summary.reviewMarkers, compiled.reviewMarkers.length);
    const command = policy.kinds[0]!.schema!;
    assert.ok(command.type === 'object' && command.fields.type!.type === 'const', 'the kind field is fixed to its value');
  });

  it('refuses to infer from nothing, or from payloads without a destination', () => {
    assert.throws(() => inferPolicy([], { name: 'x', sources: [], detectors: [] }), InferError);
    assert.throws(() => inferPolicy([httpRequest({ a: 1 }, { url: null })], { name: 'x', sources: [], detectors: [] }), /no capture says where it was sent/);
  });
});

describe('policy infer: query strings, form bodies, identifiers', () => {
  it('drafts body and query specs, never lists identifier values, draws variants from the event name, and the draft audits its captures', async () => {
    const { runCli } = await import('../helpers/run-cli.js');
    const YAMLmod = (await import('yaml')).default;
    const { mkdtempSync, readFileSync: read, rmSync } = await import('node:fs');
    const os = (await import('node:os')).default;
    const pathMod = (await import('node:path')).default;
    const dir = mkdtempSync(pathMod.join(os.tmpdir(), 'ta-infer-'));
    try {
      const out = pathMod.join(dir, 'draft.yaml');
      const infer = await runCli(['policy', 'infer', '--name', 'devtool', 'fixtures/devtool/captures.ndjson', '-o', out]);
      assert.equal(infer.code, 0, infer.stderr);
      const draft = YAMLmod.parse(read(out, 'utf8')) as { kinds: Array<{ id: string; body?: string; query?: { fields: Record<string, { enum?: string[]; pattern?: string }> }; schema?: unknown }> };
      const check = draft.kinds.find((k) => k.id === 'check')!;
      assert.equal(check.body, 'none');
      assert.equal(check.schema, undefined);
      assert.equal(check.query!.fields.project_hash!.enum, undefined, 'a hash is not a closed list');
      assert.equal(check.query!.fields.project_hash!.pattern, '^[0-9a-f]{8}$');
      const collect = draft.kinds.find((k) => k.id === 'collect')!;
      assert.equal(collect.body, 'form-lines');
      assert.match(JSON.stringify(collect.schema), /"variants":\{"discriminator":"en"/);
      assert.ok(!JSON.stringify(draft).includes('abcd1234') && !JSON.stringify(draft).includes('9f3e2a10'), 'no observed hash is copied into the draft');
      const audit = await runCli(['audit', '--allow-draft', '--policy', out, 'fixtures/devtool/captures.ndjson']);
      assert.equal(audit.code, 0, audit.stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
