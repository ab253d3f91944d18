/**
 * The engine's TextScanner for leaks that hide: sensitive terms in every encoding (one automaton
 * pass per text), and the pattern detectors and terms again on what the text decodes to
 * (percent-encoding, escapes, base64 and hex blobs), to a bounded depth. Pure: terms come in
 * already collected; nothing here reads files, the OS or git.
 */
import type { Detector } from '../detectors/detector.js';
import type { ScanHit, TextPart, TextScanner } from '../detectors/text-scanner.js';
import { decodeLayers, mayDecodeInside } from './decode-layers.js';
import { sourceOf, TERM_RULES, type SensitiveTerm } from './sensitive-term.js';
import { TermIndex, type TermMatch } from './term-index.js';

export interface LeakScannerOptions {
  terms: readonly SensitiveTerm[];
  /** Detectors to run on decoded text (the engine runs them on the text as sent). */
  detectors: readonly Detector[];
}

interface MergedTerm {
  value: string;
  rule: string;
  /** Every kind the value has ("metadata:table,metadata:column"), sorted. */
  matched: string;
  /**
   * Identity terms match raw only as whole tokens: a directory named "live" is not in
   * "keep-alive" or "cliVersion". Canaries and project names match anywhere, since a planted
   * value or a table name inside a longer string is still that value.
   */
  wholeToken: boolean;
}

/**
 * Letters, digits, "_" and "-" continue a name ("keep-alive", "graphql-engine" are one token);
 * anything else (space, ".", "/", ":", quotes) ends it.
 */
function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45 || (c >= 0xc0 && c !== 0xd7 && c !== 0xf7 && c < 0x2000);
}

/** The match is a whole token of the text: a word character at its edge does not run on into a neighbour. */
export function isWholeToken(text: string, start: number, end: number): boolean {
  if (start > 0 && isWordChar(text.charCodeAt(start)) && isWordChar(text.charCodeAt(start - 1))) return false;
  if (end < text.length && isWordChar(text.charCodeAt(end - 1)) && isWordChar(text.charCodeAt(end))) return false;
  return true;
}

/**
 * Part of a User-Agent product name ("turbo" in "turbo/2.1.3 node/20", "engine" in
 * "hasura-graphql-engine/v2.36.0"): the program naming itself, not the user.
 */
function isProductName(text: string, start: number, end: number): boolean {
  if (text.charCodeAt(end) !== 47) return false;
  for (let i = start - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 40 || c === 59) return true; // space, "(", ";" start a product
    if (c === 47) return false; // inside a version or a path, not a name
  }
  return true;
}

export class LeakScanner implements TextScanner {
  private readonly index: TermIndex | null;
  private readonly merged: MergedTerm[];

  constructor(private readonly options: LeakScannerOptions) {
    // One value with several kinds (a table and a column of the same name) is one term.
    const byValue = new Map<string, SensitiveTerm[]>();
    for (const t of options.terms) {
      const list = byValue.get(t.value) ?? [];
      list.push(t);
      byValue.set(t.value, list);
    }
    const unique: SensitiveTerm[] = [];
    this.merged = [];
    for (const [value, list] of byValue) {
      const kinds = [...new Set(list.map((t) => t.kind))].sort();
      // A user's canary outranks a metadata name, which outranks an identity term.
      const source = kinds.some((k) => sourceOf(k) === 'canary') ? 'canary' : kinds.some((k) => sourceOf(k) === 'metadata') ? 'metadata' : 'identity';
      unique.push({ value, kind: kinds.join(',') });
      this.merged.push({ value, rule: TERM_RULES[source].id, matched: kinds.join(','), wholeToken: source === 'identity' });
    }
    this.index = unique.length > 0 ? new TermIndex(unique) : null;
  }

  get patternCount(): number {
    return this.index?.patternCount ?? 0;
  }

  /**
   * A literal of the text is a substring between two '"': every term form found in it is found
   * in the text (the automaton finds substrings; a digest token is a run that '"' ends), so none
   * found in the text means none in any literal; and mayDecodeInside rules out every layer.
   */
  scanWhole(part: TextPart): { hits: ScanHit[]; literalsClean: boolean } {
    if (!part.parsedElsewhere) return { hits: this.scan(part), literalsClean: false };
    // What scan does with a parsed body's raw text (its layers are decoded per literal).
    const { hits, anyMatch } = this.termsAsSent(part);
    return { hits, literalsClean: !anyMatch && !mayDecodeInside(part.text) };
  }

  scan(part: TextPart): ScanHit[] {
    const { hits, found } = this.termsAsSent(part);
    // The strings of a parsed body are parts of their own and are decoded there, unescaped.
    const layers = part.parsedElsewhere ? [] : decodeLayers(part.text);
    for (const layer of layers) {
      if (this.index) this.reportTerms(this.index.find(layer.text), part, layer.chain, layer.text, hits, found);
      for (const d of this.options.detectors) {
        for (const h of d.detect(layer.text)) {
          // Already reported by the engine, which runs every detector on the text as sent.
          if (part.text.includes(h.value)) continue;
          hits.push({
            rule: d.id,
            severity: d.severity,
            message: `${h.message ?? `${d.title} found`} in ${layer.chain.join(' > ')} text`,
            location: part.location,
            evidence: h.value,
            encoding: layer.chain.join('>'),
          });
        }
      }
    }
    return hits;
  }

  /** The terms in the text as sent: scan()'s first step, and all scanWhole() does with a parsed body. */
  private termsAsSent(part: TextPart): { hits: ScanHit[]; found: Set<number>; anyMatch: boolean } {
    const hits: ScanHit[] = [];
    const found = new Set<number>();
    const matches = this.index ? this.index.find(part.text) : [];
    this.reportTerms(matches, part, [], part.text, hits, found);
    return { hits, found, anyMatch: matches.length > 0 };
  }

  private reportTerms(matches: TermMatch[], part: TextPart, chain: string[], text: string, hits: ScanHit[], found: Set<number>): void {
    if (matches.length === 0) return;
    const userAgent = part.location.part === 'header' && part.location.name === 'user-agent';
    matches = matches.filter((m) => {
      const term = this.merged[m.term]!;
      if (!term.wholeToken || m.encoding !== 'raw') return true;
      return isWholeToken(text, m.start, m.end) && !(userAgent && isProductName(text, m.start, m.end));
    });
    if (matches.length === 0) return;
    // A match inside a longer one ("customers" in "top_loyal_customers") is part of that value.
    matches.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
    const kept: TermMatch[] = [];
    for (const m of matches) {
      if (kept.some((k) => m.start >= k.start && m.end <= k.end)) continue;
      kept.push(m);
    }
    for (const m of kept) {
      // A decoded layer restates its text: a term found as sent is not found again inside it.
      if (chain.length > 0 && found.has(m.term)) continue;
      found.add(m.term);
      const term = this.merged[m.term]!;
      const encoding = chain.length === 0 ? m.encoding : [...chain, ...(m.encoding === 'raw' ? [] : [m.encoding])].join('>');
      hits.push({
        rule: term.rule,
        message: `sensitive term (${term.matched}) found${encoding === 'raw' ? '' : ` as ${encoding}`}`,
        location: part.location,
        // Raw hits keep the text as sent; encoded ones carry the term they decode to, so the same
        // leak seen through two encodings (escaped in the raw body, plain in the parsed value)
        // is one value to the engine's dedupe.
        evidence: m.encoding === 'raw' ? text.slice(m.start, m.end) : term.value,
        encoding,
        matched: term.matched,
      });
    }
  }
}
