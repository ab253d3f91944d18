/**
 * All variants of all terms in one automaton, built once per run. A form shared by several
 * terms or encodings is one pattern with several owners, so the automaton holds each form once.
 */
import { AhoCorasick } from './aho-corasick.js';
import type { SensitiveTerm } from './sensitive-term.js';
import { foldAscii, termVariants } from './term-variants.js';

export interface TermMatch {
  /** Index into TermIndex.terms. */
  term: number;
  encoding: string;
  start: number;
  end: number;
}

interface Owner {
  term: number;
  encoding: string;
}

export class TermIndex {
  private readonly matcher: AhoCorasick;
  private readonly owners: Owner[][] = [];
  private readonly lengths: number[] = [];
  readonly patternCount: number;

  constructor(readonly terms: readonly SensitiveTerm[]) {
    const byKey = new Map<string, number>();
    const patterns: Array<{ text: string; exactCase: boolean }> = [];
    terms.forEach((term, t) => {
      for (const v of termVariants(term.value)) {
        const key = v.exactCase ? `=${v.text}` : `~${foldAscii(v.text)}`;
        let p = byKey.get(key);
        if (p === undefined) {
          p = patterns.length;
          byKey.set(key, p);
          patterns.push({ text: v.text, exactCase: v.exactCase });
          this.owners.push([]);
          this.lengths.push(v.text.length);
        }
        if (!this.owners[p]!.some((o) => o.term === t)) this.owners[p]!.push({ term: t, encoding: v.encoding });
      }
    });
    this.patternCount = patterns.length;
    this.matcher = new AhoCorasick(patterns);
  }

  /** Every occurrence of every term form in the text. */
  find(text: string): TermMatch[] {
    const out: TermMatch[] = [];
    this.matcher.search(text, (p, start) => {
      const end = start + this.lengths[p]!;
      for (const o of this.owners[p]!) out.push({ term: o.term, encoding: o.encoding, start, end });
    });
    return out;
  }
}
