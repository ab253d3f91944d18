/**
 * SARIF 2.1.0 for GitHub code scanning: the full rule catalogue in tool.driver.rules, one
 * result per finding pointing at the capture file (and line, where the format has lines),
 * the engine's fingerprint as a partial fingerprint so alerts survive reordered captures, and
 * security-severity on rules that report data leaving the machine.
 */
import type { CaptureOrigin } from '../capture/captured-request.js';
import { describeLocation } from '../engine/finding.js';
import { destinationOf } from './finding-text.js';
import type { AuditReport, ReportContext, ReportedFinding, ReportedRequest, ReportRule } from './reporter.js';

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

export function sarifReport(report: AuditReport, ctx: ReportContext): string {
  const rules = [...(ctx.rules ?? [])].sort((a, b) => a.id.localeCompare(b.id));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const driver: Record<string, unknown> = { name: 'telemetry-audit', semanticVersion: ctx.toolVersion };
  if (ctx.toolHomepage) driver.informationUri = ctx.toolHomepage;
  driver.rules = rules.map(ruleDescriptor);
  const results = report.requests.flatMap((r) => r.findings.map((f) => resultOf(r, f, ruleIndex)));
  const invocation: Record<string, unknown> = { executionSuccessful: report.summary.verdict !== 'empty', exitCode: report.exitCode };
  if (report.summary.verdict === 'empty') {
    invocation.toolExecutionNotifications = [{ level: 'error', message: { text: 'no request was audited: an audit of nothing proves nothing' } }];
  }
  const sarif = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver },
        invocations: [invocation],
        results,
        properties: {
          policy: { name: ctx.policy.name, title: ctx.policy.title, version: ctx.policy.version ?? null },
          evidence: ctx.showEvidence ? 'revealed' : 'redacted',
          summary: report.summary,
        },
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
