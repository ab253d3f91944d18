/**
 * The `/` filter: space-separated terms, all of which must hold.
 *   kind:cli        payload kind starts with "cli" (kind:unknown: unclassified)
 *   verdict:fail    fail | warn | pass | skip, several joined by commas
 *   rule:email      some finding's rule id contains "email"
 *   body:TEXT       the raw body bytes contain TEXT (case-sensitive, as sent)
 *   TEXT            request id, method, destination, kind, verdict, rule ids or origin contain TEXT
 *   -TERM           any term negated
 * Quotes keep spaces in a term: body:"db kind". Matching is linear in the requests, and runs
 * only when a filter is applied, never per keypress while moving.
 */
import { describeOrigin } from '../../capture/captured-request.js';
import type { RequestResult, Verdict } from '../../engine/audit-request.js';

type Predicate = (result: RequestResult, haystack: string) => boolean;

export type ParsedFilter = { ok: true; test: Predicate; empty: boolean } | { ok: false; error: string };

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

function term(prefix: string, value: string): Predicate | string {
  const lower = value.toLowerCase();
  switch (prefix) {
    case 'kind:':
      if (lower === 'unknown') return (r) => r.kind === null && r.verdict !== 'skipped';
      // Kind and rule ids are lower case by the policy schema: no per-request lowering.
      return (r) => r.kind !== null && r.kind.startsWith(lower);
    case 'verdict:': {
      const wanted = new Set<Verdict>();
      for (const v of lower.split(',')) {
        const verdict = VERDICTS[v];
        if (!verdict) return `verdict:${v}: use fail, warn, pass or skip`;
        wanted.add(verdict);
      }
      return (r) => wanted.has(r.verdict);
    }
    case 'rule:':
      return (r) => r.findings.some((f) => f.rule.includes(lower));
    case 'body:': {
      if (value === '') return 'body: needs some text to look for';
      const needle = Buffer.from(value, 'utf8');
      return (r) => Buffer.from(r.request.body.buffer, r.request.body.byteOffset, r.request.body.byteLength).indexOf(needle) !== -1;
    }
    default:
      return (_r, haystack) => haystack.includes((prefix + value).toLowerCase());
  }
}

export function parseFilter(query: string): ParsedFilter {
  const preds: Predicate[] = [];
  for (const token of tokenize(query)) {
    const [head = '', value = ''] = token.split('\u0000');
    const negate = head.startsWith('-');
    const prefix = negate ? head.slice(1) : head;
    if (prefix === '' && value === '') continue;
    const p = term(prefix.toLowerCase(), value);
    if (typeof p === 'string') return { ok: false, error: p };
    preds.push(negate ? (r, h) => !p(r, h) : p);
  }
  return { ok: true, empty: preds.length === 0, test: (r, h) => preds.every((p) => p(r, h)) };
}

/** What free text is matched against, computed once per request when it arrives. */
export function haystackOf(result: RequestResult): string {
  const r = result.request;
  const rules = result.findings.map((f) => f.rule).join(' ');
  return `${r.id} ${r.method} ${r.url ?? ''} ${result.kind ?? 'unknown'} ${result.verdict} ${rules} ${describeOrigin(r.origin)}`.toLowerCase();
}
