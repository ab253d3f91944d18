/**
 * The ReDoS check on policy patterns: every built-in pack's pattern passes it (they are not
 * checked at audit time), and the patterns it must refuse are refused.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_POLICIES } from '../../src/policy/builtin-policies.js';
import { policyPatterns, unsafePatternProblems, unsafePatternReason } from '../../src/policy/pattern-safety.js';
import type { Policy } from '../../src/policy/policy-schema.js';

describe('policy pattern safety', () => {
  it('finds the patterns of the built-in policies (the walk misses none of their places)', () => {
    const total = Object.values(BUILTIN_POLICIES).reduce((n, p) => n + policyPatterns(p).length, 0);
    assert.ok(total >= 10, `found only ${total} patterns in the built-in policies`);
  });

  for (const [name, policy] of Object.entries(BUILTIN_POLICIES)) {
    it(`every pattern of the built-in "${name}" policy passes the ReDoS check`, () => {
      const unsafe = unsafePatternProblems(policy).map((p) => `${p.path.join('.')}: ${p.message}`);
      assert.deepEqual(unsafe, []);
    });
  }

  it('refuses exponential, polynomial and backreference patterns, and ones too complex to prove', () => {
    for (const p of ['^(a+)+$', '^(a|aa)+$', '(a|a)*b', '\\d+\\.\\d+', '(\\w+)\\1', '^(\\w+\\s?)*$']) {
      assert.notEqual(unsafePatternReason(p), null, p);
    }
  });

  it('accepts linear patterns, including optional and bounded repeats', () => {
    for (const p of ['^v?\\d+(\\.\\d+)*$', '^\\d+\\.\\d+\\.\\d+$', '^(build|dev)$', '^[a-z0-9-]{0,119}$']) {
      assert.equal(unsafePatternReason(p), null, p);
    }
  });

  it('finds patterns in every place a policy holds them, with the flags and anchoring the engine uses', () => {
    const policy = {
      kinds: [{ match: { path: 'type', pattern: '^x$' }, schema: { fields: { a: { deny: [{ pattern: 'tok', ignoreCase: true }] }, b: { segments: { patterns: ['\\d+'] } } } } }],
      destinations: [{ match: { pathPattern: '^/v1/' } }],
      headers: { userAgent: { patterns: ['^tool/'] } },
    } as unknown as Policy;
    const found = policyPatterns(policy).map((p) => [p.path.join('.'), p.source, p.caseInsensitive]);
    assert.deepEqual(found, [
      ['kinds.0.match.pattern', '^x$', false],
      ['kinds.0.schema.fields.a.deny.0.pattern', 'tok', true],
      ['kinds.0.schema.fields.b.segments.patterns.0', '^(?:\\d+)$', false],
      ['destinations.0.match.pathPattern', '^/v1/', false],
      ['headers.userAgent.patterns.0', '^tool/', false],
    ]);
  });
});
