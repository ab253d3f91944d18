/**
 * The dedupe of a request's findings (engine/dedupe.ts) decides the same way whether it compares
 * pair by pair (up to 24 findings, every ordinary request) or through keyed sets (more): both
 * are run on random lists of findings that share rules, places, evidence and encodings, and
 * must keep the same findings in the same order and move the same `matched` onto the same
 * checked findings. The cases below pin what each rule of the dedupe means.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dedupe, dedupeKeyed, dedupePairwise } from '../../src/engine/dedupe.js';
import type { Finding, FindingLocation } from '../../src/engine/finding.js';
import { rng } from '../helpers/rng.js';

const LOCATIONS: FindingLocation[] = [
  { part: 'body', path: '$.data.name' },
  { part: 'body', path: '$.data["a|b"]' },
  { part: 'body' },
  { part: 'header', name: 'x-a|b' },
  { part: 'header', name: 'x-a' },
  { part: 'header', name: 'X-A' },
  { part: 'url', component: 'query' },
  { part: 'url' },
  { part: 'request' },
];
const EVIDENCE = [undefined, 'alice', 'Alice', 'b|alice', 'alice|', '', 'x\0y'];
const RULES = ['identity/user', 'pii/email', 'schema/value'];
const ENCODINGS = [undefined, 'raw', 'base64', 'json-escaped>raw'];

function finding(rule: string, location: FindingLocation, evidence?: string, extra: Partial<Finding> = {}): Finding {
  return { rule, severity: 'error', message: 'm', requestId: 'r', kind: null, location, fingerprint: 'f', ...(evidence !== undefined ? { evidence } : {}), ...extra };
}

function randomCase(seed: number, count: number): { findings: Finding[]; scanned: Set<Finding> } {
  const r = rng(seed);
  const findings: Finding[] = [];
  const scanned = new Set<Finding>();
  for (let i = 0; i < count; i++) {
    const encoding = ENCODINGS[r(ENCODINGS.length)];
    const f = finding(RULES[r(RULES.length)]!, LOCATIONS[r(LOCATIONS.length)]!, EVIDENCE[r(EVIDENCE.length)], {
      ...(encoding !== undefined ? { encoding } : {}),
      ...(r(3) === 0 ? { matched: `m${r(3)}` } : {}),
    });
    f.message = `#${i}`;
    findings.push(f);
    if (r(2) === 0) scanned.add(f);
  }
  return { findings, scanned };
}

/** The kept findings by index, and every finding's `matched` after the dedupe (it moves onto checked ones). */
function outcome(run: (f: Finding[], s: ReadonlySet<Finding>) => Finding[], seed: number, count: number): { kept: string[]; matched: Array<string | undefined> } {
  const { findings, scanned } = randomCase(seed, count);
  const kept = run(findings, scanned).map((f) => f.message);
  return { kept, matched: findings.map((f) => f.matched) };
}

describe('dedupe', () => {
  it('compares pair by pair exactly as through keyed sets (property, 3,000 random lists)', () => {
    for (let seed = 1; seed <= 3000; seed++) {
      const count = 1 + (seed % 30);
      assert.deepEqual(outcome(dedupePairwise, seed, count), outcome(dedupeKeyed, seed, count), `seed ${seed}, ${count} findings`);
    }
  });

  it('reports the same finding once, and tells places, evidence and encodings apart', () => {
    const a = finding('pii/email', { part: 'header', name: 'x-a' }, 'alice', { encoding: 'raw' });
    const again = finding('pii/email', { part: 'header', name: 'x-a' }, 'alice', { encoding: 'raw' });
    const otherEncoding = finding('pii/email', { part: 'header', name: 'x-a' }, 'alice', { encoding: 'base64' });
    const otherPlace = finding('pii/email', { part: 'header', name: 'x-b' }, 'alice', { encoding: 'raw' });
    for (const run of [dedupePairwise, dedupeKeyed]) {
      assert.deepEqual(run([a, again, otherEncoding, otherPlace], new Set()), [a, otherEncoding, otherPlace]);
    }
  });

  it('keeps a finding whose header name and evidence only join to another one\'s ("x-a|b" + "c" vs "x-a" + "b|c")', () => {
    const one = finding('pii/email', { part: 'header', name: 'x-a|b' }, 'c');
    const two = finding('pii/email', { part: 'header', name: 'x-a' }, 'b|c');
    for (const run of [dedupePairwise, dedupeKeyed]) assert.deepEqual(run([one, two], new Set()), [one, two]);
  });

  it('drops a raw-body hit found at a path too (any letter case), and a scan hit the checks reported, keeping what the scan matched', () => {
    const atPath = finding('identity/user', { part: 'body', path: '$.user' }, 'Alice', { matched: 'identity:user' });
    const raw = finding('identity/user', { part: 'body' }, 'alice', { encoding: 'raw' });
    const checked = finding('schema/value', { part: 'body', path: '$.user' }, 'Alice');
    const scannedSame = finding('identity/user', { part: 'body', path: '$.user' }, 'Alice', { encoding: 'raw', matched: 'identity:user' });
    const scanned = new Set([atPath, raw, scannedSame]);
    for (const run of [dedupePairwise, dedupeKeyed]) {
      delete checked.matched;
      // atPath itself is a scan hit the checks also reported at $.user: it goes, its kind stays on the check.
      assert.deepEqual(run([checked, atPath, raw, scannedSame], scanned), [checked]);
      assert.equal(checked.matched, 'identity:user');
    }
  });

  it('uses the pairwise way for ordinary requests and the keyed one beyond 24 findings, with one answer', () => {
    for (const count of [24, 25, 60]) {
      const viaDedupe = outcome(dedupe, 77 + count, count);
      assert.deepEqual(viaDedupe, outcome(dedupeKeyed, 77 + count, count));
      assert.deepEqual(viaDedupe, outcome(dedupePairwise, 77 + count, count));
    }
  });
});
