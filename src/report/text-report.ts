/** The human report: one line per request with kind and verdict, one line per finding. */
import { describeOrigin } from '../capture/captured-request.js';
import type { RequestResult } from '../engine/audit-request.js';
import { describeLocation, evidenceText } from '../engine/finding.js';
import type { AuditSummary } from '../engine/summary.js';
import type { OptoutMatrix } from '../optout/matrix.js';
import { optoutText } from './optout-report.js';
import type { PieceRenderer, PieceSettings, ReportContext, StreamReporter } from './reporter.js';
import { COLOR, PLAIN } from './style.js';
import { escapeControls as safe } from './control-chars.js';
import { redactUrl } from '../engine/url-redaction.js';

const VERDICT_LABEL = { pass: 'pass', warn: 'WARN', fail: 'FAIL', skipped: 'skip' } as const;

type TextContext = Pick<ReportContext, 'style' | 'quiet' | 'showEvidence'>;

/** A request's lines: its own, so an audit worker can write them as this thread would. */
function requestText(ctx: TextContext): (r: RequestResult) => string {
  const { style } = ctx;
  const badge = (v: keyof typeof VERDICT_LABEL): string => {
    const label = VERDICT_LABEL[v].padEnd(4);
    return v === 'fail' ? style.red(style.bold(label)) : v === 'warn' ? style.yellow(label) : v === 'pass' ? style.green(label) : style.dim(label);
  };
  return (r) => {
    if (ctx.quiet) return '';
    // Every piece that comes from a capture (file names, methods, URLs, keys in messages and
    // locations, evidence) is escaped: a payload must not drive the terminal.
    const where = safe(describeOrigin(r.request.origin));
    const lines = [`${badge(r.verdict)}  ${safe(r.kind ?? (r.verdict === 'skipped' ? '-' : 'unknown')).padEnd(18)} ${where}`];
    const dest = r.request.url === null ? 'destination unknown (bare payload)' : safe(`${r.request.method} ${redactUrl(r.request.url, ctx.showEvidence)}`);
    if (r.verdict !== 'pass') lines.push(`      ${style.dim(dest)}`);
    if (r.skipReason) lines.push(`      ${style.dim(safe(r.skipReason))}`);
    for (const f of r.findings) {
      const sev = f.approved ? style.dim('approved') : f.severity === 'error' ? style.red('error   ') : style.yellow('warning ');
      let line = `      ${sev}  ${safe(f.rule).padEnd(28)} ${safe(`${describeLocation(f.location)}: ${f.message}`)}`;
      if (f.encoding) line += safe(` (encoding: ${f.encoding})`);
      if (f.matched) line += safe(` [${f.matched}]`);
      const ev = evidenceText(f, ctx.showEvidence);
      if (ev !== undefined) line += style.dim(safe(ctx.showEvidence ? ` evidence: ${JSON.stringify(ev)}` : ` evidence: ${ev}`));
      lines.push(line);
    }
    return lines.join('\n') + '\n';
  };
}

/** The text report's lines for a run of results, made where they were audited. */
export function textPieces(settings: PieceSettings): PieceRenderer {
  const text = requestText({ ...settings, style: settings.color ? COLOR : PLAIN });
  return (results) => results.map(text).join('');
}

export function textReporter(ctx: ReportContext): StreamReporter {
  const { style } = ctx;
  const result = requestText(ctx);
  return {
    begin() {
      if (ctx.quiet) return '';
      const head = safe(`telemetry-audit ${ctx.toolVersion} · policy ${ctx.policy.name} (${ctx.policy.title}) · ${ctx.inputs.join(', ')}`);
      const notes = (ctx.notes ?? []).map((n) => style.dim(`note: ${safe(n)}`) + '\n').join('');
      return `${style.bold(head)}\n${notes}\n`;
    },
    result,
    takeRendered: (text) => text,
    end(summary: AuditSummary, exitCode: number, conclusion?: string, optout?: OptoutMatrix) {
      const kinds = Object.entries(summary.kinds)
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');
      const verdict = optout
        ? exitCode === 0
          ? style.green(optout.verdict.label)
          : style.red(style.bold(optout.verdict.label))
        : summary.verdict === 'empty'
          ? exitCode === 0
            ? style.green('NOTHING SENT')
            : exitCode === 3
              ? style.red('INCONCLUSIVE')
              : style.red('NOTHING AUDITED')
          : exitCode === 0
            ? style.green(summary.verdict === 'warn' ? 'PASS (with warnings)' : 'PASS')
            : style.red(style.bold('FAIL'));
      const out = [
        ...(optout ? ['', optoutText(optout, style).trimEnd()] : []),
        '',
        `Requests: ${summary.requests} (${summary.audited} audited, ${summary.skipped} skipped) · ${summary.verdicts.pass} pass, ${summary.verdicts.warn} warn, ${summary.verdicts.fail} fail`,
        `Findings: ${summary.errors} error${summary.errors === 1 ? '' : 's'}, ${summary.warnings} warning${summary.warnings === 1 ? '' : 's'}${summary.approved > 0 ? `, ${summary.approved} approved by the baseline` : ''}`,
      ];
      if (kinds) out.push(`Kinds: ${kinds}`);
      const rules = Object.entries(summary.rules).sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0]));
      if (rules.length > 0) out.push(`Rules: ${rules.map(([id, r]) => `${id} ${r.count}`).join(', ')}`);
      if (conclusion !== undefined) out.push(`Conclusion: ${safe(conclusion)}`);
      else if (summary.verdict === 'empty' && !optout) out.push('No request was audited: an audit of nothing proves nothing.');
      if (!ctx.showEvidence && (summary.errors > 0 || summary.warnings > 0 || summary.approved > 0)) out.push(style.dim('Evidence is redacted; --show-evidence reveals it.'));
      out.push(`Verdict: ${verdict} (exit ${exitCode})`);
      return out.join('\n') + '\n';
    },
  };
}
