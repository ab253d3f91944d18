/**
 * The `/` filter: space-separated terms, all of which must hold.
 *   kind:cli        payload kind starts with "cli" (kind:unknown: unclassified)
 *   verdict:fail    fail | warn | pass | skip, several joined by commas
 *   rule:email      some finding's rule id contains "email"
 *   body:TEXT       the raw body bytes contain TEXT (case-sensitive, as sent)
 *   TEXT            request id, method, destination, kind, verdict, rule ids or origin contain TEXT
 *   -TERM           any term negated
 * Quotes keep spaces in a term: body:"db kind". Applying a filter never runs per keypress
 * while moving; kind:, verdict: and rule: terms are answered from per-field lists kept while
 * loading (filter-index.ts), the other terms by a pass over the requests those lists leave.
 */
import { describeOrigin } from '../../capture/captured-request.js';
import type { RequestResult, Verdict } from '../../engine/audit-request.js';

export type Predicate = (result: RequestResult, haystack: string) => boolean;

/**
 * What a term asks of the per-field lists: exactly the requests its predicate accepts (the
 * lists are built from the same fields the predicates read).
 */
export type IndexedTerm =
  | { field: 'kind'; prefix: string }
  | { field: 'unknown-kind' }
  | { field: 'verdict'; verdicts: ReadonlySet<Verdict> }
  | { field: 'rule'; part: string };

export interface FilterTerm {
  /** True when the request passes this term (negation included). */
  test: Predicate;
  /** For a positive kind:, verdict: or rule: term: the list that answers it. */
  indexed?: IndexedTerm;
  /** For a negated one: the list of the requests it leaves out. */
  excluded?: IndexedTerm;
  /** For a positive free-text term: the lower-case text the haystack must contain. */
  text?: string;
}

export type ParsedFilter = { ok: true; test: Predicate; empty: boolean; terms: FilterTerm[] } | { ok: false; error: string };

const VERDICTS: Record<string, Verdict> = { fail: 'fail', warn: 'warn', pass: 'pass', skip: 'skipped', skipped: 'skipped' };

export function tokenize(query: string): string[] {
  const out: string[] = [];
  const re = /(-?)([a-z]+:)?(?:"((?:[^"\\]|\\.)*)"|(\S+))/gi;
  for (const m of query.matchAll(re)) {
    const value = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : (m[4] ?? '');
    out.push(`${m[1] ?? ''}${m[2] ?? ''}\u0000${value}`);
  }
  return out;
}

type Term = { test: Predicate; indexed?: IndexedTerm; text?: string };

function term(prefix: string, value: string): Term | string {
  const lower = value.toLowerCase();
  switch (prefix) {
    case 'kind:':
      if (lower === 'unknown') return { test: (r) => r.kind === null && r.verdict !== 'skipped', indexed: { field: 'unknown-kind' } };
      // Kind and rule ids are lower case by the policy schema: no per-request lowering.
      return { test: (r) => r.kind !== null && r.kind.startsWith(lower), indexed: { field: 'kind', prefix: lower } };
    case 'verdict:': {
      const wanted = new Set<Verdict>();
      for (const v of lower.split(',')) {
        const verdict = VERDICTS[v];
        if (!verdict) return `verdict:${v}: use fail, warn, pass or skip`;
        wanted.add(verdict);
      }
      return { test: (r) => wanted.has(r.verdict), indexed: { field: 'verdict', verdicts: wanted } };
    }
    case 'rule:':
      return { test: (r) => r.findings.some((f) => f.rule.includes(lower)), indexed: { field: 'rule', part: lower } };
    case 'body:': {
      if (value === '') return 'body: needs some text to look for';
      const needle = Buffer.from(value, 'utf8');
      return { test: (r) => Buffer.from(r.request.body.buffer, r.request.body.byteOffset, r.request.body.byteLength).indexOf(needle) !== -1 };
    }
    default: {
      const text = (prefix + value).toLowerCase();
      return { test: (_r, haystack) => haystack.includes(text), text };
    }
  }
}

export function parseFilter(query: string): ParsedFilter {
  const terms: FilterTerm[] = [];
  for (const token of tokenize(query)) {
    const [head = '', value = ''] = token.split('\u0000');
    const negate = head.startsWith('-');
    const prefix = negate ? head.slice(1) : head;
    if (prefix === '' && value === '') continue;
    const t = term(prefix.toLowerCase(), value);
    if (typeof t === 'string') return { ok: false, error: t };
    terms.push(negate ? { test: (r, h) => !t.test(r, h), ...(t.indexed ? { excluded: t.indexed } : {}) } : t);
  }
  const tests = terms.map((t) => t.test);
  return { ok: true, empty: terms.length === 0, terms, test: (r, h) => tests.every((p) => p(r, h)) };
}

/** What free text is matched against, computed once per request when it arrives. */
export function haystackOf(result: RequestResult): string {
  const r = result.request;
  const rules = result.findings.map((f) => f.rule).join(' ');
  return `${r.id} ${r.method} ${r.url ?? ''} ${result.kind ?? 'unknown'} ${result.verdict} ${rules} ${describeOrigin(r.origin)}`.toLowerCase();
}
