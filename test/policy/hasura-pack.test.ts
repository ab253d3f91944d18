import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { compilePolicy } from '../../src/engine/compiled-policy.js';
import { hasuraPolicy } from '../../src/policy/packs/hasura/index.js';
import { PolicySchema } from '../../src/policy/policy-schema.js';
import { FIXTURES } from '../helpers/paths.js';

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
