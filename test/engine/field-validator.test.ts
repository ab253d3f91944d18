/**
 * The compiled field validator against its reference, zod schemas built from the same specs:
 * identical findings on every fixture capture under every fixture and built-in policy, and
 * identical issues (code, path, message, rule params, keys) on a fuzzed corpus of random field
 * specs and random values, so compiling policies changes no finding.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { CapturedRequest } from '../../src/capture/captured-request.js';
import { readInputs, resolveInputs } from '../../src/capture/read-inputs.js';
import { detectorRules } from '../../src/cli/options/detection-options.js';
import { DEFAULT_DETECTORS } from '../../src/detectors/default-detectors.js';
import { auditRequest } from '../../src/engine/audit-request.js';
import { compilePolicy } from '../../src/engine/compiled-policy.js';
import { compileValidator, type FieldIssue } from '../../src/engine/field-validator.js';
import { PolicyCompileError } from '../../src/engine/policy-compile-error.js';
import { BUILTIN_POLICIES } from '../../src/policy/builtin-policies.js';
import { parsePolicyText } from '../../src/policy/parse-policy-file.js';
import type { FieldSpec, Policy } from '../../src/policy/policy-schema.js';
import { TERM_RULE_DOCS } from '../../src/terms/sensitive-term.js';
import { FIXTURES } from '../helpers/paths.js';
import { withZodValidators, zodValidator } from './zod-reference.js';

const EXTRA_RULES = [...detectorRules(DEFAULT_DETECTORS), ...TERM_RULE_DOCS];

function filesUnder(dir: string, keep: (file: string) => boolean): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) out.push(...filesUnder(file, keep));
    else if (keep(file)) out.push(file);
  }
  return out;
}

/** Every policy the repository ships or holds as a fixture (the bad ones excepted). */
function allPolicies(): Array<{ name: string; policy: Policy }> {
  const out = Object.entries(BUILTIN_POLICIES).map(([name, policy]) => ({ name: `built-in:${name}`, policy }));
  for (const file of filesUnder(FIXTURES, (f) => /\.policy\.(ya?ml|json)$/.test(f) && !f.includes('bad-'))) {
    out.push({ name: path.relative(FIXTURES, file), policy: parsePolicyText(readFileSync(file, 'utf8'), file) });
  }
  return out;
}

/** Every request of every capture file under fixtures/ that reads cleanly. */
async function allCaptures(): Promise<CapturedRequest[]> {
  const files = filesUnder(FIXTURES, (f) => /\.(ndjson|har|json)$/.test(f) && !f.includes('bad-') && !/expected|package|clients\.json|tsconfig/.test(path.basename(f)));
  const out: CapturedRequest[] = [];
  for (const file of files) {
    const requests: CapturedRequest[] = [];
    try {
      for await (const r of readInputs(await resolveInputs([file]))) requests.push(r);
    } catch {
      continue; // not a capture (a policy, a pack, a metadata export)
    }
    out.push(...requests);
  }
  return out;
}

describe('compiled field validator', () => {
  it('gives the findings zod gave, on every fixture capture under every fixture and built-in policy', async () => {
    const captures = await allCaptures();
    const policies = allPolicies();
    assert.ok(captures.length >= 50, `fixture captures read: ${captures.length}`);
    assert.ok(policies.length >= 5, `policies: ${policies.length}`);
    let withSchemaFindings = 0;
    for (const { name, policy } of policies) {
      const compiled = compilePolicy(policy, EXTRA_RULES);
      const reference = withZodValidators(compiled);
      for (const request of captures) {
        const mine = auditRequest(request, compiled, { detectors: DEFAULT_DETECTORS });
        const theirs = auditRequest(request, reference, { detectors: DEFAULT_DETECTORS });
        assert.deepEqual(mine.findings, theirs.findings, `${name}: request ${request.id}`);
        assert.equal(mine.verdict, theirs.verdict);
        if (mine.findings.some((f) => f.rule.startsWith('schema/') || f.rule.startsWith('request/unknown'))) withSchemaFindings++;
      }
    }
    // The comparison means something only where the checks found something.
    assert.ok(withSchemaFindings > 20, `requests with schema findings: ${withSchemaFindings}`);
  });

  it('raises the issues zod raises on fuzzed specs and values', () => {
    fc.assert(
      fc.property(fieldSpec, fc.array(jsonValue, { minLength: 1, maxLength: 8 }), (spec, values) => {
        const mine = compileValidator(spec, ['spec']);
        const reference = zodValidator(spec, ['spec']);
        for (const value of values) assert.deepEqual(normalize(mine(value)), normalize(reference(value)), JSON.stringify({ spec, value }));
      }),
      { numRuns: 400 },
    );
  });

  it('raises the issues zod raises on mutated fixture payloads under the built-in policies', async () => {
    const captures = await allCaptures();
    const payloads: unknown[] = [];
    for (const r of captures) {
      try {
        payloads.push(JSON.parse(Buffer.from(r.body).toString('utf8')));
      } catch {
        // not JSON
      }
    }
    const specs = Object.values(BUILTIN_POLICIES).flatMap((p) => p.kinds.flatMap((k) => [k.schema, k.query].filter((s): s is FieldSpec => s !== undefined)));
    const pairs = specs.map((s, i) => ({ mine: compileValidator(s, ['kinds', i]), reference: zodValidator(s, ['kinds', i]) }));
    fc.assert(
      fc.property(fc.constantFrom(...payloads), fc.array(mutation, { maxLength: 4 }), fc.constantFrom(...pairs), (payload, edits, pair) => {
        const value = edits.reduce((v, edit) => edit(v), structuredClone(payload));
        assert.deepEqual(normalize(pair.mine(value)), normalize(pair.reference(value)), JSON.stringify(value));
      }),
      { numRuns: 600 },
    );
  });

  it('refuses the same bad specs with the same policy path', () => {
    const bad: FieldSpec[] = [
      { type: 'integer', min: 3, max: 1 },
      { type: 'string', pattern: '(' },
      { type: 'object', fields: { a: { type: 'null' } }, variants: { discriminator: 'a', cases: { x: { fields: {} } } } },
      { type: 'object', fields: {}, variants: { discriminator: 't', cases: {} } },
    ];
    for (const spec of bad) {
      const errorOf = (f: () => unknown) => {
        try {
          f();
        } catch (err) {
          assert.ok(err instanceof PolicyCompileError);
          return err.message;
        }
        assert.fail(`compiled: ${JSON.stringify(spec)}`);
      };
      assert.equal(errorOf(() => compileValidator(spec, ['s'])), errorOf(() => zodValidator(spec, ['s'])));
    }
  });
});

/** What the reporter reads of an issue, plus its message. */
function normalize(issues: FieldIssue[]): unknown[] {
  return issues.map((i) => ({
    code: i.code,
    path: [...i.path],
    message: i.message,
    params: i.params,
    keys: i.keys,
    note: i.note,
    expected: i.code === 'invalid_type' ? i.expected : undefined,
  }));
}

// ---- fuzzed specs and values, over a small shared vocabulary so they meet ----

const KEYS = ['a', 'b', 't', '1', 'constructor', '__proto__', 'x y'];
const TAGS = ['p', 'q', 'r'];
const key = fc.constantFrom(...KEYS);
const STRINGS = ['', 'p', 'q', 'abc', 'v2.36.0', '12', '0a1b', 'a/b/c', '/x/1', 'c0ffee00-0000-4000-8000-000000000000', '2026-01-01T00:00:00Z', 'secret token'];
const NUMBERS = [0, -0, 1, 2, 3, -5, 1.5, 7, 100, 2 ** 60, -(2 ** 60), 1e21];

const scalar = fc.oneof(fc.constant(null), fc.boolean(), fc.constantFrom(...NUMBERS), fc.constantFrom(...STRINGS));
const jsonValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, scalar, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.array(fc.tuple(fc.oneof(key, fc.constantFrom(...TAGS)), tie('value')), { maxLength: 4 }).map((entries) => {
    // Null-prototype objects, as the engine's JSON parser makes them.
    const o = Object.create(null) as Record<string, unknown>;
    for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
    return o;
  }),
})).value;

const common = fc.record({ nullable: fc.boolean(), rule: fc.constantFrom(undefined, 'x/custom-rule'), message: fc.constantFrom(undefined, 'custom message') }, { requiredKeys: [] });

const leafSpec: fc.Arbitrary<FieldSpec> = fc.oneof(
  fc.record({ type: fc.constant('string' as const), format: fc.constantFrom('uuid-v4', 'version', 'integer-string', 'hex', 'url-path', 'free-text', 'iso-timestamp') }),
  fc.record({ type: fc.constant('string' as const), enum: fc.subarray(STRINGS, { minLength: 1 }), maxLength: fc.constantFrom(undefined, 3) }, { requiredKeys: ['type', 'enum'] }),
  fc.record({ type: fc.constant('string' as const), pattern: fc.constantFrom('^[a-z]+$', '^\\d+$'), deny: fc.constantFrom(undefined, 'strip' as const).map((d) => (d ? [{ pattern: 'secret', rule: 'x/deny', message: 'denied', strip: true }] : undefined)) }, { requiredKeys: ['type', 'pattern'] }),
  fc.record({ type: fc.constant('string' as const), segments: fc.constant(null).map(() => ({ vocabulary: ['x', 'a', 'b'], patterns: ['\\d+'], rule: 'x/segment', message: 'odd segment' })) }),
  fc.record({ type: fc.constant('integer' as const), min: fc.constantFrom(undefined, 0, 2), max: fc.constantFrom(undefined, 7, 2 ** 62) }, { requiredKeys: ['type'] }),
  fc.record({ type: fc.constant('number' as const), min: fc.constantFrom(undefined, 0), max: fc.constantFrom(undefined, 3), enum: fc.constantFrom(undefined, 'enum' as const).map((e) => (e ? [1, 1.5, 7] : undefined)) }, { requiredKeys: ['type'] }),
  fc.constant({ type: 'boolean' as const }),
  fc.constant({ type: 'null' as const }),
  fc.record({ type: fc.constant('const' as const), value: fc.constantFrom('p', 1, true, null) }),
);

const fieldSpec: fc.Arbitrary<FieldSpec> = fc.letrec<{ spec: FieldSpec; array: FieldSpec; anyOf: FieldSpec; object: FieldSpec }>((tie) => ({
  spec: fc
    .tuple(fc.oneof({ depthSize: 'small', withCrossShrink: true }, leafSpec, leafSpec, tie('array'), tie('anyOf'), tie('object')), common)
    .map(([s, c]) => ({ ...s, ...c }) as FieldSpec),
  array: fc.record({ type: fc.constant('array' as const), items: tie('spec'), maxItems: fc.constantFrom(undefined, 1, 2) }, { requiredKeys: ['type', 'items'] }) as fc.Arbitrary<FieldSpec>,
  anyOf: fc.record({ type: fc.constant('any-of' as const), options: fc.array(tie('spec'), { minLength: 1, maxLength: 3 }) }) as fc.Arbitrary<FieldSpec>,
  object: fc
    .record(
      {
        type: fc.constant('object' as const),
        fields: fc.dictionary(fc.constantFrom('a', 'b', '1', 'constructor', 'x y'), tie('spec'), { maxKeys: 3 }),
        variants: fc.option(
          fc.record({
            discriminator: fc.constant('t'),
            cases: fc.dictionary(fc.constantFrom(...TAGS), fc.record({ fields: fc.dictionary(fc.constantFrom('a', '1', 'c'), tie('spec'), { maxKeys: 2 }) }), { minKeys: 1, maxKeys: 3 }),
          }),
          { nil: undefined },
        ),
      },
      { requiredKeys: ['type', 'fields'] },
    )
    .map((o) => JSON.parse(JSON.stringify(o)) as FieldSpec),
})).spec;

/** An edit of a real payload: a value swapped for another type, a key added or removed. */
const mutation: fc.Arbitrary<(v: unknown) => unknown> = fc.tuple(fc.nat(), fc.constantFrom('replace', 'add', 'remove'), jsonValue, key).map(([pick, op, replacement, k]) => (v: unknown) => {
  const nodes: Array<Record<string, unknown> | unknown[]> = [];
  const visit = (x: unknown): void => {
    if (typeof x !== 'object' || x === null) return;
    nodes.push(x as Record<string, unknown>);
    for (const c of Object.values(x)) visit(c);
  };
  visit(v);
  if (nodes.length === 0) return replacement;
  const node = nodes[pick % nodes.length]!;
  const keys = Object.keys(node);
  if (op === 'add' || keys.length === 0) {
    if (Array.isArray(node)) node.push(replacement);
    else Object.defineProperty(node, k, { value: replacement, enumerable: true, writable: true, configurable: true });
  } else if (op === 'remove') {
    if (Array.isArray(node)) node.pop();
    else delete node[keys[pick % keys.length]!];
  } else {
    (node as Record<string, unknown>)[keys[pick % keys.length]!] = replacement;
  }
  return v;
});


