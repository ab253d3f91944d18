/**
 * The Markdown report: a verdict, a summary table and the findings, short enough for a pull
 * request comment or a GitHub job summary. Errors are listed one by one (up to a cap);
 * warnings and approved findings, which recur on every request of a kind, are grouped and
 * folded away.
 */
import { describeLocation } from '../engine/finding.js';
import { plural, positionOf, sourceOf, verdictWord } from './finding-text.js';
import { mdCell, mdCode, mdTable } from './markdown-text.js';
import type { OptoutMatrix } from '../optout/matrix.js';
import { optoutMarkdown } from './optout-report.js';
import type { RequestResult } from '../engine/audit-request.js';
import type { AuditSummary } from '../engine/summary.js';
import { toReportedRequest, type ReportContext, type ReportedFinding, type ReportedRequest, type StreamReporter } from './reporter.js';

/** A PR comment holds 65,536 characters; long lists are cut well before that. */
export const MARKDOWN_MAX_ROWS = 50;
/** Distinct warnings kept for grouping; past this they are only counted, so memory stays bounded. */
const MAX_GROUPS = 10_000;

function requestLabel(r: ReportedRequest): string {
  const pos = positionOf(r.origin);
  return `${mdCode(sourceOf(r.origin))}${pos ? ` ${pos}` : ''}`;
}

interface Group {
  finding: ReportedFinding;
  count: number;
}

/** Findings that differ only by request (same rule, kind, place and evidence) are one group. */
function sortGroups(groups: Map<string, Group>): Group[] {
  return [...groups.values()].sort((a, b) => (a.finding.rule < b.finding.rule ? -1 : a.finding.rule > b.finding.rule ? 1 : 0) || b.count - a.count);
}

function groupTable(groups: Group[], dropped: number): string {
  const rows = groups.slice(0, MARKDOWN_MAX_ROWS).map(({ finding: f, count }) => [
    mdCode(f.rule),
    f.kind ? mdCode(f.kind) : '',
    mdCode(describeLocation(f.location)),
    String(count),
    mdCell(f.message),
  ]);
  let out = mdTable(['Rule', 'Kind', 'Location', 'Requests', 'Message'], ['l', 'l', 'l', 'r', 'l'], rows);
  const more = groups.length - rows.length + dropped;
  if (more > 0) out += `\n\n… and ${plural(more, 'more group')} (see the JSON or SARIF report).`;
  return out;
}

/**
 * Streamed in, rendered at the end: the report keeps the first errors (the table is capped) and
 * one group per distinct warning or approval, so memory follows the number of distinct
 * findings, not the number of requests.
 */
export function markdownReporter(ctx: ReportContext): StreamReporter {
  const errors: Array<{ r: ReportedRequest; f: ReportedFinding }> = [];
  let errorCount = 0;
  const warnings = new Map<string, Group>();
  const approved = new Map<string, Group>();
  let anyEvidence = false;
  const dropped = new Map<Map<string, Group>, number>();
  const group = (groups: Map<string, Group>, f: ReportedFinding) => {
    const g = groups.get(f.fingerprint);
    if (g) g.count++;
    else if (groups.size < MAX_GROUPS) groups.set(f.fingerprint, { finding: f, count: 1 });
    else dropped.set(groups, (dropped.get(groups) ?? 0) + 1);
  };
  return {
    begin: () => '',
    result(result: RequestResult) {
      if (result.findings.length === 0) return '';
      const r = toReportedRequest(result, ctx.showEvidence);
      for (const f of r.findings) {
        if (f.evidence !== undefined) anyEvidence = true;
        if (f.approved) group(approved, f);
        else if (f.severity === 'warning') group(warnings, f);
        else if (errorCount++ < MARKDOWN_MAX_ROWS) errors.push({ r, f });
      }
      return '';
    },
    end(s: AuditSummary, exitCode: number, conclusion?: string, optout?: OptoutMatrix) {
      const out: string[] = [];
      out.push(`### telemetry-audit: ${optout ? optout.verdict.label : verdictWord(s, exitCode)}`, '');
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
      if (conclusion !== undefined) out.push(`**Conclusion:** ${mdCell(conclusion)}`, '');
      if (optout) out.push(optoutMarkdown(optout));
      if (s.verdict === 'empty' && !optout && conclusion === undefined) out.push('No request was audited: an audit of nothing proves nothing.', '');
      if (errorCount > 0) {
        out.push(`#### ${plural(errorCount, 'error')}`, '');
        const rows = errors.map(({ r, f }) => {
          let message = mdCell(f.message);
          if (f.evidence !== undefined) message += ` — evidence ${mdCode(f.evidence)}`;
          return [mdCode(f.rule), `${requestLabel(r)}${f.kind ? ` · ${mdCode(f.kind)}` : ''}`, mdCode(describeLocation(f.location)), message];
        });
        out.push(mdTable(['Rule', 'Request', 'Location', 'Finding'], ['l', 'l', 'l', 'l'], rows));
        if (errorCount > errors.length) out.push('', `… and ${plural(errorCount - errors.length, 'more error')} (see the JSON or SARIF report).`);
        out.push('');
      }
      if (s.warnings > 0) {
        out.push(`<details><summary>${plural(s.warnings, 'warning')}</summary>`, '', groupTable(sortGroups(warnings), dropped.get(warnings) ?? 0), '', '</details>', '');
      }
      if (s.approved > 0) {
        out.push(`<details><summary>${plural(s.approved, 'approved finding')} (baseline)</summary>`, '', groupTable(sortGroups(approved), dropped.get(approved) ?? 0), '', '</details>', '');
      }
      if (!ctx.showEvidence && anyEvidence) out.push('_Evidence is redacted; `--show-evidence` reveals it._', '');
      out.push(`<sub>telemetry-audit ${mdCell(ctx.toolVersion)} · exit ${exitCode}</sub>`);
      return out.join('\n') + '\n';
    },
  };
}
