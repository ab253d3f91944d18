/**
 * The policy commands through the built CLI: the JSON Schema (shipped in schemas/, checked
 * against the generator and against real policies), export of the Hasura pack in both formats,
 * its round trip (same findings on the whole corpus), `policy check` verdicts, and drafts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import YAML from 'yaml';
import { hasuraPolicy } from '../../src/policy/packs/hasura/index.js';
import { policyJsonSchema } from '../../src/policy/policy-json-schema.js';
import { jsonSchemaValidator } from '../helpers/json-schema.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'ta-policy-'));

interface JsonReport {
  policy: { name: string };
  requests: Array<{ id: string; kind: string | null; verdict: string; findings: unknown[] }>;
  summary: unknown;
  exitCode: number;
}
/** What an audit concluded, without what varies between runs (read times of bare files). */
const conclusions = (r: JsonReport) => ({
  requests: r.requests.map((q) => ({ id: q.id, kind: q.kind, verdict: q.verdict, findings: q.findings })),
  summary: r.summary,
  exitCode: r.exitCode,
});

describe('policy schema', () => {
  it('prints the generated JSON Schema, and schemas/policy.schema.json is that output', async () => {
    const run = await runCli(['policy', 'schema']);
    assert.equal(run.code, 0);
    assert.deepEqual(JSON.parse(run.stdout), policyJsonSchema());
    assert.equal(readFileSync(path.join(REPO_ROOT, 'schemas/policy.schema.json'), 'utf8'), run.stdout, 'regenerate: telemetry-audit policy schema -o schemas/policy.schema.json');
  });

  it('accepts the Hasura pack and the generic-tool policy, and flags what editors should flag', () => {
    const validate = jsonSchemaValidator(policyJsonSchema());
    assert.ok(validate(JSON.parse(JSON.stringify(hasuraPolicy))), JSON.stringify(validate.errors?.slice(0, 3)));
    const generic = YAML.parse(readFileSync(path.join(REPO_ROOT, "fixtures/generic-tool/skyforge.policy.yaml"), "utf8"), { merge: true }) as Record<string, unknown>;
    assert.ok(validate(generic), JSON.stringify(validate.errors?.slice(0, 3)));
    const kind = { id: 'k', title: 'K', match: { path: 'type', equals: 'k' } };
    const withField = (field: unknown) => ({ ...generic, kinds: [{ ...kind, schema: { type: 'object', fields: { f: field } } }] });
    assert.equal(validate(withField({ type: 'string' })), false, 'a string without format, enum, pattern or segments');
    assert.equal(validate(withField({ type: 'string', fromat: 'semver' })), false, 'an unknown key');
    assert.equal(validate(withField({ type: 'int' })), false, 'an unknown type');
    assert.equal(validate({ ...generic, kinds: [{ ...kind, match: { path: 'type' }, schema: { type: 'null' } }] }), false, 'a matcher without a test');
    assert.ok(validate(withField({ type: 'string', format: 'semver', description: 'x' })));
  });

  it('carries a description for every property, so editors can explain each one', () => {
    const missing: string[] = [];
    const walk = (node: unknown, where: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${where}[${i}]`));
      if (typeof node !== 'object' || node === null) return;
      const props = (node as { properties?: Record<string, { description?: string; $ref?: string }> }).properties;
      for (const [k, v] of Object.entries(props ?? {})) {
        if (k !== 'type' && !v.description && !v.$ref) missing.push(`${where}.${k}`);
      }
      for (const [k, v] of Object.entries(node)) walk(v, `${where}.${k}`);
    };
    walk(policyJsonSchema(), '$');
    // "description" fields describe themselves; everything else must say what it is.
    assert.deepEqual(missing.filter((m) => !/\.description$/.test(m) && !/\.(value|sample)$/.test(m)), []);
  });
});

describe('policy show and the Hasura round trip', () => {
  it('exports the Hasura pack as YAML and JSON that parse back to the same data', async () => {
    const yaml = await runCli(['policy', 'show', 'hasura']);
    assert.equal(yaml.code, 0, yaml.stderr);
    assert.match(yaml.stdout, /^# Policy "hasura" exported by telemetry-audit/);
    assert.deepEqual(YAML.parse(yaml.stdout), JSON.parse(JSON.stringify(hasuraPolicy)));
    const json = await runCli(['policy', 'show', 'hasura', '--format', 'json']);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), JSON.parse(JSON.stringify(hasuraPolicy)));
  });

  it('gives the same findings on the whole Hasura corpus, exported as YAML and as JSON and loaded back', async () => {
    const dir = tmp();
    for (const format of ['yaml', 'json']) {
      const file = path.join(dir, `hasura.${format}`);
      assert.equal((await runCli(['policy', 'show', 'hasura', '--format', format, '-o', file])).code, 0);
    }
    const builtin = await runCli(['audit', 'fixtures/hasura', '--format', 'json']);
    assert.equal(builtin.code, 1, 'the corpus holds leaks');
    const base = JSON.parse(builtin.stdout) as JsonReport;
    assert.ok(base.requests.length > 30, 'the whole corpus was audited');
    assert.ok(base.requests.some((r) => r.findings.length > 0));
    for (const format of ['yaml', 'json']) {
      const run = await runCli(['audit', 'fixtures/hasura', '--format', 'json', '--policy', path.join(dir, `hasura.${format}`)]);
      assert.equal(run.code, 1, run.stderr);
      const report = JSON.parse(run.stdout) as JsonReport;
      assert.equal(report.policy.name, 'hasura');
      assert.deepEqual(conclusions(report), conclusions(base), `exported as ${format}`);
    }
  });

  it('re-exports a policy file in the other format', async () => {
    const run = await runCli(['policy', 'show', 'fixtures/generic-tool/skyforge.policy.yaml', '--format', 'json']);
    assert.equal(run.code, 0, run.stderr);
    const source = YAML.parse(readFileSync(path.join(REPO_ROOT, 'fixtures/generic-tool/skyforge.policy.yaml'), 'utf8'), { merge: true }) as Record<string, unknown>;
    // Merge keys are resolved and "x-" keys (anchors) dropped: what is left is the policy itself.
    assert.ok('x-event' in source);
    delete source['x-event'];
    assert.deepEqual(JSON.parse(run.stdout), source);
  });

  it('refuses an unknown built-in name and a missing file with exit 2', async () => {
    const unknown = await runCli(['policy', 'show', 'no-such-tool']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown policy "no-such-tool": built-in policies are hasura/);
    const missing = await runCli(['policy', 'show', 'nope.yaml']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.yaml: cannot read policy file \(ENOENT\)/);
  });
});

describe('policy check', () => {
  it('says a valid policy is valid (exit 0)', async () => {
    const run = await runCli(['policy', 'check', 'hasura', 'fixtures/generic-tool/skyforge.policy.yaml']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^built-in:hasura: valid \(13 kind\(s\), 2 destination\(s\)/m);
    assert.match(run.stdout, /^fixtures\/generic-tool\/skyforge\.policy\.yaml: valid \(/m);
  });

  it('exits 1 for a draft and lists each review marker with its place; audit refuses it without --allow-draft', async () => {
    const dir = tmp();
    const file = path.join(dir, 'draft.yaml');
    writeFileSync(
      file,
      [
        'name: draft',
        'title: Draft',
        'destinations: [{ host: telemetry.skyforge.dev }]',
        'kinds:',
        '  - id: heartbeat',
        '    title: Heartbeat',
        '    match: { destination: { path: /v1/heartbeat } }',
        '    schema:',
        '      type: object',
        '      fields:',
        '        anonymousId: { type: string, format: uuid-v4, review: "REVIEW: confirm it is random" }',
        '        day: { type: string, pattern: "^\\\\d{4}-\\\\d{2}-\\\\d{2}$" }',
        '',
      ].join('\n'),
    );
    const check = await runCli(['policy', 'check', file]);
    assert.equal(check.code, 1, check.stderr);
    assert.match(check.stdout, /draft\.yaml: valid, but a DRAFT: 1 item\(s\) marked for review/);
    assert.match(check.stdout, /draft\.yaml:11:55: kinds\[0\]\.schema\.fields\.anonymousId\.review: REVIEW: confirm it is random/);

    const capture = 'fixtures/generic-tool/captures/heartbeat.ndjson';
    const refused = await runCli(['audit', capture, '--policy', file]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /the policy is a draft: 1 item is marked for review/);
    assert.equal(refused.stdout, '');
    const allowed = await runCli(['audit', capture, '--policy', file, '--allow-draft', '--format', 'json']);
    assert.equal(allowed.code, 0, allowed.stdout + allowed.stderr);
    const report = JSON.parse(allowed.stdout) as { notes: string[] };
    assert.ok(report.notes.some((n) => /unreviewed draft \(1 review markers\)/.test(n)), JSON.stringify(report.notes));
  });
});
