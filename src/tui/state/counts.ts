/**
 * Running totals for the header and the exit code, kept immutably so the reducer stays pure.
 * The same arithmetic as the engine's SummaryBuilder; `toSummary` gives the shape the exit
 * code function reads, so the inspector exits exactly as `audit` would on the same input.
 */
import type { RequestResult } from '../../engine/audit-request.js';
import type { AuditSummary } from '../../engine/summary.js';

export interface Counts {
  requests: number;
  audited: number;
  skipped: number;
  pass: number;
  warn: number;
  fail: number;
  errors: number;
  warnings: number;
  kinds: Readonly<Record<string, number>>;
}

export const EMPTY_COUNTS: Counts = { requests: 0, audited: 0, skipped: 0, pass: 0, warn: 0, fail: 0, errors: 0, warnings: 0, kinds: {} };

export function addCounts(counts: Counts, results: readonly RequestResult[]): Counts {
  const c = { ...counts, kinds: { ...counts.kinds } };
  for (const r of results) {
    c.requests++;
    if (r.verdict === 'skipped') {
      c.skipped++;
      continue;
    }
    c.audited++;
    c[r.verdict]++;
    const kind = r.kind ?? 'unknown';
    c.kinds[kind] = (c.kinds[kind] ?? 0) + 1;
    for (const f of r.findings) {
      if (f.severity === 'error') c.errors++;
      else c.warnings++;
    }
  }
  return c;
}

export function toSummary(c: Counts): AuditSummary {
  return {
    requests: c.requests,
    audited: c.audited,
    skipped: c.skipped,
    verdicts: { pass: c.pass, warn: c.warn, fail: c.fail },
    errors: c.errors,
    warnings: c.warnings,
    kinds: { ...c.kinds },
    rules: {},
    verdict: c.audited === 0 ? 'empty' : c.errors > 0 ? 'fail' : c.warnings > 0 ? 'warn' : 'pass',
  };
}
