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

// Digest tokens: hex runs (md5 32, sha1 40, sha256 64, sha512 128 digits) and base64 runs
// (with or without padding), delimited by characters that cannot be part of them.
const HEX_LENGTHS = new Set([32, 40, 64, 128]);
const B64_LENGTH_LIST = [22, 24, 27, 28, 43, 44, 86, 88];
const B64_LENGTHS = new Set(B64_LENGTH_LIST);
const MIN_TOKEN = 22;
/** 1: base64 or base64url character; 2: also a hex digit. */
const TOKEN_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9+/_-]/.test(ch)) TOKEN_CHAR[c] = /[0-9A-Fa-f]/.test(ch) ? 2 : 1;
}

export class TermIndex {
  private readonly matcher: AhoCorasick;
  private readonly owners: Owner[][] = [];
  private readonly lengths: number[] = [];
  /** Digest forms by token ("x:" + lower-case hex, "b:" + base64 as is). */
  private readonly tokens = new Map<string, Owner[]>();
  readonly patternCount: number;

  constructor(readonly terms: readonly SensitiveTerm[]) {
    const byKey = new Map<string, number>();
    const patterns: Array<{ text: string; exactCase: boolean }> = [];
    terms.forEach((term, t) => {
      for (const v of termVariants(term.value)) {
        if (v.token) {
          const key = v.exactCase ? `b:${v.text}` : `x:${v.text.toLowerCase()}`;
          const list = this.tokens.get(key) ?? [];
          if (!list.some((o) => o.term === t)) list.push({ term: t, encoding: v.encoding });
          this.tokens.set(key, list);
          continue;
        }
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
    this.patternCount = patterns.length + this.tokens.size;
    this.matcher = new AhoCorasick(patterns);
  }

  /** Every occurrence of every term form in the text. */
  find(text: string): TermMatch[] {
    const out: TermMatch[] = [];
    this.matcher.search(text, (p, start) => {
      const end = start + this.lengths[p]!;
      for (const o of this.owners[p]!) out.push({ term: o.term, encoding: o.encoding, start, end });
    });
    if (this.tokens.size > 0 && text.length >= 22) this.findTokens(text, out);
    return out;
  }

  private findTokens(text: string, out: TermMatch[]): void {
    const hit = (key: string, start: number, end: number) => {
      const owners = this.tokens.get(key);
      if (owners) for (const o of owners) out.push({ term: o.term, encoding: o.encoding, start, end });
    };
    // One pass over the text with a character table; only runs of a digest's length are looked up.
    const n = text.length;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c >= 128 || TOKEN_CHAR[c] === 0) {
        i++;
        continue;
      }
      const start = i;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d >= 128 || TOKEN_CHAR[d] === 0) break;
        i++;
      }
      let end = i;
      if (end - start < MIN_TOKEN - 2) continue;
      // Hex digests inside the run, delimited by non-hex characters.
      for (let j = start; j < end; ) {
        if (TOKEN_CHAR[text.charCodeAt(j)] !== 2) {
          j++;
          continue;
        }
        const h = j;
        while (j < end && TOKEN_CHAR[text.charCodeAt(j)] === 2) j++;
        if (HEX_LENGTHS.has(j - h)) hit(`x:${text.slice(h, j).toLowerCase()}`, h, j);
      }
      while (end < n && end - i < 2 && text.charCodeAt(end) === 61) end++;
      // Base64 digests: the run, or, where a path glued segments with "/" (which base64 also
      // uses), each span between slashes and the run's ends that has a digest's length. Each
      // start (the run's, or just after a slash) looks only at the few ends a digest's length
      // away, so a run full of slashes costs a constant per slash, not one per pair of them.
      const runEnd = i;
      for (let a = start; a !== -1; ) {
        for (const length of B64_LENGTH_LIST) {
          const b = a + length;
          if (b === end || (b < runEnd && text.charCodeAt(b) === 47)) hit(`b:${text.slice(a, b)}`, a, b);
        }
        // Unpadded forms end before the padding.
        if (end > runEnd && B64_LENGTHS.has(runEnd - a)) hit(`b:${text.slice(a, runEnd)}`, a, runEnd);
        const slash = text.indexOf('/', a);
        a = slash !== -1 && slash < runEnd ? slash + 1 : -1;
      }
      i = end;
    }
  }
}
