/**
 * SARIF 2.1.0 for GitHub code scanning: the full rule catalogue in tool.driver.rules, one
 * result per finding pointing at the capture file (and line, where the format has lines),
 * the engine's fingerprint as a partial fingerprint so alerts survive reordered captures, and
 * security-severity on rules that report data leaving the machine.
 */
import type { CaptureOrigin } from '../capture/captured-request.js';
import { describeLocation } from '../engine/finding.js';
import { destinationOf } from './finding-text.js';
import type { RequestResult } from '../engine/audit-request.js';
import type { AuditSummary } from '../engine/summary.js';
import type { OptoutMatrix } from '../optout/matrix.js';
import { toReportedRequest, type ReportContext, type ReportedFinding, type ReportedRequest, type ReportRule, type StreamReporter } from './reporter.js';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

// GitHub ranks security-severity: 9+ critical, 7-8.9 high, 4-6.9 medium. A leak the policy
// calls an error is high; one it only warns about is medium.
const SECURITY_SEVERITY = { error: '7.5', warning: '4.0' } as const;

function ruleDescriptor(rule: ReportRule): Record<string, unknown> {
  const descriptor: Record<string, unknown> = {
    id: rule.id,
    name: rule.id.split(/[/-]/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(''),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.description },
    help: { text: rule.help ?? rule.description },
    defaultConfiguration: { enabled: rule.enabled, level: rule.enabled ? rule.severity : 'none' },
  };
  descriptor.properties = rule.leak
    ? { tags: ['security', 'privacy', 'telemetry'], 'security-severity': SECURITY_SEVERITY[rule.severity], precision: 'high' }
    : { tags: ['telemetry'], precision: 'high' };
  return descriptor;
}

/** A URI for a capture file: relative paths are relative to the checkout (%SRCROOT%). */
function artifactLocation(file: string): Record<string, string> {
  if (/^([A-Za-z]:[\\/]|\/)/.test(file)) return { uri: new URL(`file://${file.startsWith('/') ? '' : '/'}${file.replace(/\\/g, '/')}`).href };
  return { uri: file.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

/**
 * The line in the capture file: an NDJSON or JSON-lines request is one line; a whole-file JSON
 * payload is the file, so a position inside the body is a position in the file. Formats
 * without a line for the request (HAR entries, array elements) point at line 1 and name the
 * entry as a logical location.
 */
function startLine(origin: CaptureOrigin & { kind: 'file' | 'stdin' }, f: ReportedFinding): number {
  if (origin.line !== undefined) return origin.line;
  if (origin.format === 'json' && origin.entry === undefined && f.location.part === 'body' && f.location.position) return f.location.position.line;
  return 1;
}

function logicalLocation(origin: CaptureOrigin): Record<string, string> | null {
  if ((origin.kind === 'file' || origin.kind === 'stdin') && origin.entry !== undefined) {
    const name = origin.format === 'har' ? `entry ${origin.entry}${origin.frame !== undefined ? ` frame ${origin.frame}` : ''}` : `element ${origin.entry}`;
    return { name, kind: 'element' };
  }
  if (origin.kind === 'stdin') return { name: 'stdin', kind: 'module' };
  if (origin.kind === 'process') return { name: origin.scenario ?? origin.command ?? 'live capture', kind: 'module' };
  if (origin.kind === 'generated') return { name: origin.generator, kind: 'module' };
  return null;
}

function location(r: ReportedRequest, f: ReportedFinding): Record<string, unknown> {
  const loc: Record<string, unknown> = {};
  if (r.origin.kind === 'file') {
    loc.physicalLocation = { artifactLocation: artifactLocation(r.origin.file), region: { startLine: startLine(r.origin, f) } };
  }
  const logical = logicalLocation(r.origin);
  if (logical) loc.logicalLocations = [logical];
  loc.message = { text: describeLocation(f.location) };
  return loc;
}

function resultOf(r: ReportedRequest, f: ReportedFinding, ruleIndex: Map<string, number>): Record<string, unknown> {
  let text = `${f.message} (${describeLocation(f.location)}`;
  if (f.kind) text += `, payload kind ${f.kind}`;
  text += `; ${destinationOf(r)})`;
  if (f.encoding) text += ` encoding: ${f.encoding}.`;
  if (f.matched) text += ` matched: ${f.matched}.`;
  if (f.evidence !== undefined) text += ` Evidence: ${f.evidence}.`;
  const result: Record<string, unknown> = { ruleId: f.rule };
  const index = ruleIndex.get(f.rule);
  if (index !== undefined) result.ruleIndex = index;
  result.level = f.severity;
  result.message = { text };
  result.locations = [location(r, f)];
  result.partialFingerprints = { 'findingFingerprint/v1': f.fingerprint };
  if (f.approved) result.suppressions = [{ kind: 'external', status: 'accepted', justification: 'approved in the findings baseline' }];
  result.properties = { requestId: r.id, ...(f.kind ? { payloadKind: f.kind } : {}) };
  return result;
}

/** Pretty JSON nested `depth` levels deep, so the streamed document reads like one stringify. */
function nested(value: unknown, depth: number): string {
  return JSON.stringify(value, null, 2).replace(/\n/g, '\n' + '  '.repeat(depth));
}

/**
 * Streamed: the rules and the header go out first, each request's results as it is audited,
 * and the invocation (exit code) and summary last, so memory stays flat and no single string
 * grows with the run (a SARIF file of a large capture is hundreds of megabytes).
 */
export function sarifReporter(ctx: ReportContext): StreamReporter {
  const rules = [...(ctx.rules ?? [])].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  let count = 0;
  return {
    begin() {
      const driver: Record<string, unknown> = { name: 'telemetry-audit', semanticVersion: ctx.toolVersion };
      if (ctx.toolHomepage) driver.informationUri = ctx.toolHomepage;
      driver.rules = rules.map(ruleDescriptor);
      const head = JSON.stringify({ $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [{ tool: { driver }, results: [] }] }, null, 2);
      // Everything up to the empty results array, left open for the results to stream into.
      return head.slice(0, head.lastIndexOf('[]')) + '[';
    },
    result(r: RequestResult) {
      if (r.findings.length === 0) return '';
      const reported = toReportedRequest(r, ctx.showEvidence);
      return reported.findings.map((f) => `${count++ === 0 ? '' : ','}\n        ${nested(resultOf(reported, f, ruleIndex), 4)}`).join('');
    },
    end(summary: AuditSummary, exitCode: number, _conclusion?: string, optout?: OptoutMatrix) {
      const invocation: Record<string, unknown> = { executionSuccessful: optout ? optout.scenarios.length > 0 : summary.verdict !== 'empty', exitCode };
      if (summary.verdict === 'empty' && !optout) {
        invocation.toolExecutionNotifications = [{ level: 'error', message: { text: 'no request was audited: an audit of nothing proves nothing' } }];
      }
      const properties = {
        policy: { name: ctx.policy.name, title: ctx.policy.title, version: ctx.policy.version ?? null },
        evidence: ctx.showEvidence ? 'revealed' : 'redacted',
        summary,
        ...(optout ? { optout } : {}),
      };
      return `${count > 0 ? '\n      ' : ''}],\n      "invocations": ${nested([invocation], 3)},\n      "properties": ${nested(properties, 3)}\n    }\n  ]\n}\n`;
    },
  };
}
