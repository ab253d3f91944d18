/**
 * The machine report: a documented, stable JSON shape (docs/json-report.md) that other tools
 * consume. Streamed: the requests array is written as results arrive.
 */
import type { RequestResult } from '../engine/audit-request.js';
import { evidenceText, redact, type Finding } from '../engine/finding.js';
import type { AuditSummary } from '../engine/summary.js';
import type { OptoutMatrix } from '../optout/matrix.js';
import type { ContainmentReport, PieceRenderer, PieceSettings, ReportContext, StreamReporter } from './reporter.js';
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
  // Opt-out runs carry what each scenario sent, so a leak can be inspected from the report.
  if (r.request.origin.kind === 'process' && r.request.origin.scenario !== undefined) out.body = bodyJson(r, showEvidence);
  out.findings = r.findings.map((f) => findingJson(f, showEvidence));
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The body as a report may show it: in full with --show-evidence; otherwise with every piece of
 * evidence redacted where it appears. When a finding's evidence cannot be found as sent (it was
 * encoded, hashed or escaped in the body), the whole body is withheld: a report must not leak
 * what it found.
 */
export function bodyJson(r: RequestResult, showEvidence: boolean): { text?: string; base64?: string; bytes: number; redacted?: string } {
  const bytes = r.request.body.length;
  let text: string;
  try {
    text = utf8.decode(r.request.body);
  } catch {
    if (showEvidence) return { base64: Buffer.from(r.request.body).toString('base64'), bytes };
    return { bytes, redacted: 'not UTF-8 text: withheld (--show-evidence, or --save, keeps it)' };
  }
  if (showEvidence) return { text, bytes };
  const evidence = [...new Set(r.findings.filter((f) => f.location.part === 'body').map((f) => f.evidence).filter((e): e is string => e !== undefined && e !== ''))].sort((a, b) => b.length - a.length);
  if (evidence.some((e) => !text.includes(e))) return { bytes, redacted: 'a finding in it is encoded: withheld (--show-evidence, or --save, keeps it)' };
  for (const e of evidence) text = text.split(e).join(redact(e));
  return { text, bytes };
}

/** One request as the report writes it: its own, so an audit worker can write it as this thread would. */
function requestText(r: RequestResult, showEvidence: boolean): string {
  // JSON escapes C0 controls but not C1 or bidi overrides: those are escaped too, so the
  // report is safe to print to a terminal (the value read back is the same).
  return escapeControls(JSON.stringify(requestJson(r, showEvidence)));
}

/** The requests array's entries for a run of results, made where they were audited. */
export function jsonPieces(settings: PieceSettings): PieceRenderer {
  return (results) => (settings.quiet ? '' : results.map((r) => requestText(r, settings.showEvidence)).join(',\n'));
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
      return (count++ === 0 ? '' : ',\n') + requestText(r, ctx.showEvidence);
    },
    takeRendered(text, n) {
      if (ctx.quiet || n === 0) return '';
      const out = (count === 0 ? '' : ',\n') + text;
      count += n;
      return out;
    },
    end(summary: AuditSummary, exitCode: number, conclusion?: string, optout?: OptoutMatrix, containment?: ContainmentReport) {
      const extra = conclusion !== undefined ? `,"conclusion":${JSON.stringify(conclusion)}` : '';
      const matrix = optout ? `,"optout":${JSON.stringify(optout)}` : '';
      // Query names come from the target: escaped like every other text the report carries.
      const contained = containment ? `,"containment":${escapeControls(JSON.stringify(containment))}` : '';
      return `\n]${matrix}${contained},"summary":${JSON.stringify(summary)}${extra},"exitCode":${exitCode}}\n`;
    },
  };
}
