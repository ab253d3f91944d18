/**
 * The machine report: a documented, stable JSON shape (docs/json-report.md) that other tools
 * consume. Streamed: the requests array is written as results arrive.
 */
import type { RequestResult } from '../engine/audit-request.js';
import { evidenceText, type Finding } from '../engine/finding.js';
import type { AuditSummary } from '../engine/summary.js';
import type { OptoutMatrix } from '../optout/matrix.js';
import type { ReportContext, StreamReporter } from './reporter.js';
import { escapeControls } from './control-chars.js';
import { redactUrl } from '../engine/url-redaction.js';

export const JSON_REPORT_SCHEMA_VERSION = 1;

export function findingJson(f: Finding, showEvidence: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    location: f.location,
    fingerprint: f.fingerprint,
  };
  const ev = evidenceText(f, showEvidence);
  if (ev !== undefined) out.evidence = ev;
  if (f.encoding) out.encoding = f.encoding;
  if (f.matched) out.matched = f.matched;
  if (f.approved) out.approved = true;
  return out;
}

export function requestJson(r: RequestResult, showEvidence: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: r.request.id,
    time: r.request.time,
    method: r.request.method,
    url: r.request.url === null ? null : redactUrl(r.request.url, showEvidence),
    transport: r.request.transport,
    origin: r.request.origin,
    kind: r.kind,
    verdict: r.verdict,
  };
  if (r.skipReason) out.skipReason = r.skipReason;
  out.findings = r.findings.map((f) => findingJson(f, showEvidence));
  return out;
}

export function jsonReporter(ctx: ReportContext): StreamReporter {
  let count = 0;
  return {
    begin() {
      const head = {
        schemaVersion: JSON_REPORT_SCHEMA_VERSION,
        tool: { name: 'telemetry-audit', version: ctx.toolVersion },
        policy: { name: ctx.policy.name, title: ctx.policy.title, version: ctx.policy.version ?? null },
        inputs: ctx.inputs,
        evidence: ctx.showEvidence ? 'revealed' : 'redacted',
        notes: ctx.notes ?? [],
      };
      return JSON.stringify(head).slice(0, -1) + ',"requests":[\n';
    },
    result(r) {
      if (ctx.quiet) return '';
      // JSON escapes C0 controls but not C1 or bidi overrides: those are escaped too, so the
      // report is safe to print to a terminal (the value read back is the same).
      return (count++ === 0 ? '' : ',\n') + escapeControls(JSON.stringify(requestJson(r, ctx.showEvidence)));
    },
    end(summary: AuditSummary, exitCode: number, conclusion?: string, optout?: OptoutMatrix) {
      const extra = conclusion !== undefined ? `,"conclusion":${JSON.stringify(conclusion)}` : '';
      const matrix = optout ? `,"optout":${JSON.stringify(optout)}` : '';
      return `\n]${matrix},"summary":${JSON.stringify(summary)}${extra},"exitCode":${exitCode}}\n`;
    },
  };
}
