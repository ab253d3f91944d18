import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { AhoCorasick, MAX_KEY, type Pattern } from '../../src/terms/aho-corasick.js';

/** Every (pattern, start) the slow way: the reference the automaton must agree with. */
function naive(patterns: readonly Pattern[], text: string): string[] {
  const out: string[] = [];
  const lower = text.replace(/[A-Z]/g, (c) => c.toLowerCase());
  patterns.forEach((p, i) => {
    const needle = p.exactCase ? p.text : p.text.replace(/[A-Z]/g, (c) => c.toLowerCase());
    const hay = p.exactCase ? text : lower;
    for (let at = hay.indexOf(needle); at !== -1; at = hay.indexOf(needle, at + 1)) out.push(`${i}@${at}`);
  });
  return out.sort();
}

function found(ac: AhoCorasick, text: string): string[] {
  const out: string[] = [];
  ac.search(text, (p, start) => out.push(`${p}@${start}`));
  return out.sort();
}

describe('AhoCorasick', () => {
  it('finds overlapping patterns, suffixes of each other, case-insensitively', () => {
    const patterns = [{ text: 'he', exactCase: false }, { text: 'she', exactCase: false }, { text: 'his', exactCase: false }, { text: 'hers', exactCase: false }];
    const ac = new AhoCorasick(patterns);
    assert.deepEqual(found(ac, 'uSHErs'), ['0@2', '1@1', '3@2']);
  });

  it('matches exact-case patterns only in their case', () => {
    const ac = new AhoCorasick([{ text: 'aGVsbG8', exactCase: true }]);
    assert.deepEqual(found(ac, 'xaGVsbG8 AGVSBG8'), ['0@1']);
  });

  it('verifies the part of a long pattern beyond the automaton key', () => {
    const long = 'x'.repeat(MAX_KEY) + 'tail';
    const ac = new AhoCorasick([{ text: long, exactCase: false }]);
    assert.deepEqual(found(ac, 'x'.repeat(MAX_KEY) + 'TAIL'), ['0@0']);
    assert.deepEqual(found(ac, 'x'.repeat(MAX_KEY) + 'tai'), []);
    assert.deepEqual(found(ac, 'x'.repeat(MAX_KEY) + 'tailx'.repeat(1)), ['0@0']);
  });

  it('agrees with a naive search on random patterns and texts (property)', () => {
    const alphabet = fc.constantFrom('a', 'b', 'A', 'B', '%', '1', 'é');
    const word = (min: number, max: number) => fc.array(alphabet, { minLength: min, maxLength: max }).map((a) => a.join(''));
    fc.assert(
      fc.property(
        fc.array(fc.record({ text: fc.oneof(word(1, 6), word(MAX_KEY - 1, MAX_KEY + 4)), exactCase: fc.boolean() }), { minLength: 1, maxLength: 25 }),
        fc.oneof(word(0, 80), word(MAX_KEY, MAX_KEY * 3)),
        (patterns, text) => {
          assert.deepEqual(found(new AhoCorasick(patterns), text), naive(patterns, text));
        },
      ),
      { numRuns: 400 },
    );
  });
});
