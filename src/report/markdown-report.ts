/**
 * The Markdown report: a verdict, a summary table and the findings, short enough for a pull
 * request comment or a GitHub job summary. Errors are listed one by one; warnings and approved
 * findings, which recur on every request of a kind, are grouped and folded away.
 */
import { describeLocation } from '../engine/finding.js';
import { plural, positionOf, sourceOf } from './finding-text.js';
import { mdCell, mdCode, mdTable } from './markdown-text.js';
import type { AuditReport, ReportContext, ReportedFinding, ReportedRequest } from './reporter.js';

/** A PR comment holds 65,536 characters; long lists are cut well before that. */
export const MARKDOWN_MAX_ROWS = 50;

function verdictWord(report: AuditReport): string {
  if (report.summary.verdict === 'empty') return 'NOTHING AUDITED';
  if (report.exitCode !== 0) return 'FAIL';
  return report.summary.verdict === 'warn' ? 'PASS (with warnings)' : 'PASS';
}

function requestLabel(r: ReportedRequest): string {
  const pos = positionOf(r.origin);
  return `${mdCode(sourceOf(r.origin))}${pos ? ` ${pos}` : ''}`;
}

function capped<T>(rows: T[], render: (row: T) => string[]): { rows: string[][]; more: number } {
  return { rows: rows.slice(0, MARKDOWN_MAX_ROWS).map(render), more: Math.max(0, rows.length - MARKDOWN_MAX_ROWS) };
}

interface Group {
  finding: ReportedFinding;
  count: number;
}

/** Findings that differ only by request (same rule, kind, place and evidence) as one row. */
function grouped(items: Array<{ f: ReportedFinding }>): Group[] {
  const groups = new Map<string, Group>();
  for (const { f } of items) {
    const g = groups.get(f.fingerprint);
    if (g) g.count++;
    else groups.set(f.fingerprint, { finding: f, count: 1 });
  }
  return [...groups.values()].sort((a, b) => a.finding.rule.localeCompare(b.finding.rule) || b.count - a.count);
}

function groupTable(groups: Group[]): string {
  const { rows, more } = capped(groups, ({ finding: f, count }) => [
    mdCode(f.rule),
    f.kind ? mdCode(f.kind) : '',
    mdCode(describeLocation(f.location)),
    String(count),
    mdCell(f.message),
  ]);
  let out = mdTable(['Rule', 'Kind', 'Location', 'Requests', 'Message'], ['l', 'l', 'l', 'r', 'l'], rows);
  if (more > 0) out += `\n\n… and ${plural(more, 'more group')} (see the JSON or SARIF report).`;
  return out;
}

export function markdownReport(report: AuditReport, ctx: ReportContext): string {
  const s = report.summary;
  const out: string[] = [];
  out.push(`### telemetry-audit: ${verdictWord(report)}`, '');
  const policy = `${mdCode(ctx.policy.name)} (${mdCell(ctx.policy.title)})`;
  out.push(`Policy ${policy} · ${ctx.inputs.map(mdCode).join(', ')} · evidence ${ctx.showEvidence ? '**revealed**' : 'redacted'}`, '');
  out.push(
    mdTable(
      ['Requests', 'Audited', 'Skipped', 'Pass', 'Warn', 'Fail', 'Errors', 'Warnings', 'Approved'],
      ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      [[s.requests, s.audited, s.skipped, s.verdicts.pass, s.verdicts.warn, s.verdicts.fail, s.errors, s.warnings, s.approved].map(String)],
    ),
    '',
  );
  if (s.verdict === 'empty') out.push('No request was audited: an audit of nothing proves nothing.', '');

  const all = report.requests.flatMap((r) => r.findings.map((f) => ({ r, f })));
  const errors = all.filter(({ f }) => !f.approved && f.severity === 'error');
  const warnings = all.filter(({ f }) => !f.approved && f.severity === 'warning');
  const approved = all.filter(({ f }) => f.approved);

  if (errors.length > 0) {
    out.push(`#### ${plural(errors.length, 'error')}`, '');
    const { rows, more } = capped(errors, ({ r, f }) => {
      let message = mdCell(f.message);
      if (f.evidence !== undefined) message += ` — evidence ${mdCode(f.evidence)}`;
      return [mdCode(f.rule), `${requestLabel(r)}${f.kind ? ` · ${mdCode(f.kind)}` : ''}`, mdCode(describeLocation(f.location)), message];
    });
    out.push(mdTable(['Rule', 'Request', 'Location', 'Finding'], ['l', 'l', 'l', 'l'], rows));
    if (more > 0) out.push('', `… and ${plural(more, 'more error')} (see the JSON or SARIF report).`);
    out.push('');
  }
  if (warnings.length > 0) {
    out.push(`<details><summary>${plural(warnings.length, 'warning')}</summary>`, '', groupTable(grouped(warnings)), '', '</details>', '');
  }
  if (approved.length > 0) {
    out.push(`<details><summary>${plural(approved.length, 'approved finding')} (baseline)</summary>`, '', groupTable(grouped(approved)), '', '</details>', '');
  }
  if (!ctx.showEvidence && all.some(({ f }) => f.evidence !== undefined)) out.push('_Evidence is redacted; `--show-evidence` reveals it._', '');
  out.push(`<sub>telemetry-audit ${mdCell(ctx.toolVersion)} · exit ${report.exitCode}</sub>`);
  return out.join('\n') + '\n';
}
