/** Running totals over audited requests: what the reports' summary lines and exit codes read. */
import type { Severity } from '../policy/policy-schema.js';
import type { RequestResult, Verdict } from './audit-request.js';

export interface AuditSummary {
  requests: number;
  audited: number;
  skipped: number;
  verdicts: Record<Exclude<Verdict, 'skipped'>, number>;
  /** Findings not approved by a baseline, by severity (approved ones count only in `approved`). */
  errors: number;
  warnings: number;
  /** Findings a baseline approved: reported, but they do not fail the run. */
  approved: number;
  /** Requests per payload kind; unclassified requests count under "unknown". */
  kinds: Record<string, number>;
  /** Findings per rule id (not counting approved ones). */
  rules: Record<string, { severity: Severity; count: number }>;
  /** fail: errors; warn: warnings only; pass: clean; empty: nothing was audited. */
  verdict: 'pass' | 'warn' | 'fail' | 'empty';
}

export class SummaryBuilder {
  /** Continue from an existing summary (the inspector keeps its totals immutable this way). */
  static from(summary: AuditSummary): SummaryBuilder {
    const b = new SummaryBuilder();
    b.s = structuredClone(summary);
    return b;
  }

  private s: AuditSummary = {
    requests: 0,
    audited: 0,
    skipped: 0,
    verdicts: { pass: 0, warn: 0, fail: 0 },
    errors: 0,
    warnings: 0,
    approved: 0,
    kinds: {},
    rules: {},
    verdict: 'empty',
  };

  add(result: RequestResult): void {
    const s = this.s;
    s.requests++;
    if (result.verdict === 'skipped') {
      s.skipped++;
      return;
    }
    s.audited++;
    s.verdicts[result.verdict]++;
    const kind = result.kind ?? 'unknown';
    s.kinds[kind] = (s.kinds[kind] ?? 0) + 1;
    for (const f of result.findings) {
      if (f.approved) {
        s.approved++;
        continue;
      }
      if (f.severity === 'error') s.errors++;
      else s.warnings++;
      const r = (s.rules[f.rule] ??= { severity: f.severity, count: 0 });
      r.count++;
      // A rule reported at both severities (a policy override) shows its worst.
      if (f.severity === 'error') r.severity = 'error';
    }
  }

  /**
   * Add the totals of results counted elsewhere (an audit worker's share), as if each had been
   * added here: parts merged in input order give the same summary, key order included, as
   * adding every result in that order.
   */
  merge(part: AuditSummary): void {
    const s = this.s;
    s.requests += part.requests;
    s.audited += part.audited;
    s.skipped += part.skipped;
    s.verdicts.pass += part.verdicts.pass;
    s.verdicts.warn += part.verdicts.warn;
    s.verdicts.fail += part.verdicts.fail;
    s.errors += part.errors;
    s.warnings += part.warnings;
    s.approved += part.approved;
    for (const [kind, n] of Object.entries(part.kinds)) s.kinds[kind] = (s.kinds[kind] ?? 0) + n;
    for (const [id, rule] of Object.entries(part.rules)) {
      const r = (s.rules[id] ??= { severity: rule.severity, count: 0 });
      r.count += rule.count;
      if (rule.severity === 'error') r.severity = 'error';
    }
  }

  /** The summary of `summary` plus `results`, without changing `summary`. */
  static fold(summary: AuditSummary, results: Iterable<RequestResult>): AuditSummary {
    const b = SummaryBuilder.from(summary);
    for (const r of results) b.add(r);
    return b.build();
  }

  build(): AuditSummary {
    const s = structuredClone(this.s);
    s.verdict = s.audited === 0 ? 'empty' : s.errors > 0 ? 'fail' : s.warnings > 0 ? 'warn' : 'pass';
    return s;
  }
}
