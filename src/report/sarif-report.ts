/**
 * SARIF 2.1.0 for GitHub code scanning: the full rule catalogue in tool.driver.rules (with a
 * helpUri to each built-in rule's documentation), one result per distinct finding pointing at
 * the capture file and line (or the capture saved beside the report, for stdin and live runs),
 * the engine's fingerprint as a partial fingerprint so alerts survive reordered captures, and
 * security-severity on rules that report data leaving the machine.
 */
import type { CaptureOrigin } from '../capture/captured-request.js';
import { describeLocation } from '../engine/finding.js';
import { destinationOf } from './finding-text.js';
import type { RequestResult } from '../engine/audit-request.js';
import type { AuditSummary } from '../engine/summary.js';
import type { OptoutMatrix } from '../optout/matrix.js';
import { toReportedRequest, type ArtifactLine, type ReportContext, type ReportedFinding, type ReportedRequest, type ReportRule, type StreamReporter } from './reporter.js';

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
  if (rule.helpUri) descriptor.helpUri = rule.helpUri;
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

/** GitHub code scanning rejects a run with more results than this. */
export const SARIF_MAX_RESULTS = 25_000;
/** Occurrences of one finding listed as related locations (the count covers them all). */
export const SARIF_MAX_RELATED = 10;

function physical(file: string, line: number): Record<string, unknown> {
  return { artifactLocation: artifactLocation(file), region: { startLine: Math.max(1, line) } };
}

/**
 * Where a finding is: the capture file and line, or the line of the capture saved beside the
 * report for a request without a file (stdin, live). GitHub rejects a result without a file,
 * so as a last resort (SARIF on stdout for stdin or a live run) the source's name stands in.
 */
function location(r: ReportedRequest, f: ReportedFinding, at: ArtifactLine | undefined): Record<string, unknown> {
  const loc: Record<string, unknown> = {};
  if (r.origin.kind === 'file') loc.physicalLocation = physical(r.origin.file, startLine(r.origin, f));
  else if (at) loc.physicalLocation = physical(at.file, at.line);
  else loc.physicalLocation = physical(r.origin.kind === 'stdin' ? 'stdin' : 'live-capture', r.origin.kind === 'stdin' ? (r.origin.line ?? 1) : 1);
  const logical = logicalLocation(r.origin);
  if (logical) loc.logicalLocations = [logical];
  loc.message = { text: describeLocation(f.location) };
  return loc;
}

function resultOf(r: ReportedRequest, f: ReportedFinding, ruleIndex: Map<string, number>, at: ArtifactLine | undefined): Record<string, unknown> {
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
  result.locations = [location(r, f, at)];
  result.partialFingerprints = { 'findingFingerprint/v1': f.fingerprint };
  if (f.approved) result.suppressions = [{ kind: 'external', status: 'accepted', justification: 'approved in the findings baseline' }];
  result.properties = { requestId: r.id, ...(f.kind ? { payloadKind: f.kind } : {}) };
  return result;
}

/** Pretty JSON nested `depth` levels deep, so the written document reads like one stringify. */
function nested(value: unknown, depth: number): string {
  return JSON.stringify(value, null, 2).replace(/\n/g, '\n' + '  '.repeat(depth));
}

interface Distinct {
  result: Record<string, unknown>;
  related: Array<Record<string, unknown>>;
  count: number;
  error: boolean;
}

/**
 * One result per distinct finding (by fingerprint): the first occurrence's location, the next
 * ones as related locations, and occurrenceCount for all of them, so a capture of thousands
 * of requests with the same leak is one alert, not thousands. Results are held until the end
 * (they are at most SARIF_MAX_RESULTS): past GitHub's limit, warnings make way for errors, and
 * what was left out is said in the run's notifications.
 */
export function sarifReporter(ctx: ReportContext): StreamReporter {
  const rules = [...(ctx.rules ?? [])].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const distinct = new Map<string, Distinct | 'cut'>();
  let kept = 0;
  const cut = { results: 0, occurrences: 0, rules: new Set<string>() };

  const cutOne = (fingerprint: string, rule: string, count: number) => {
    distinct.set(fingerprint, 'cut');
    cut.results++;
    cut.occurrences += count;
    cut.rules.add(rule);
  };
  /** Warnings kept, in order: the most recent makes way first for an error past the limit. */
  const warnings: string[] = [];
  const evictWarning = (): boolean => {
    const fp = warnings.pop();
    if (fp === undefined) return false;
    const d = distinct.get(fp) as Distinct;
    cutOne(fp, String(d.result.ruleId), d.count);
    kept--;
    return true;
  };

  return {
    begin() {
      return '';
    },
    result(r: RequestResult, at?: ArtifactLine) {
      if (r.findings.length === 0) return '';
      const reported = toReportedRequest(r, ctx.showEvidence);
      for (const f of reported.findings) {
        const seen = distinct.get(f.fingerprint);
        if (seen === 'cut') {
          cut.occurrences++;
          continue;
        }
        if (seen) {
          seen.count++;
          if (seen.related.length < SARIF_MAX_RELATED) {
            seen.related.push({ id: seen.related.length + 1, ...location(reported, f, at) });
          }
          continue;
        }
        const error = f.severity === 'error';
        if (kept >= SARIF_MAX_RESULTS && !(error && evictWarning())) {
          cutOne(f.fingerprint, f.rule, 1);
          continue;
        }
        kept++;
        if (!error) warnings.push(f.fingerprint);
        distinct.set(f.fingerprint, { result: resultOf(reported, f, ruleIndex, at), related: [], count: 1, error });
      }
      return '';
    },
    end(summary: AuditSummary, exitCode: number, conclusion?: string, optout?: OptoutMatrix) {
      const driver: Record<string, unknown> = { name: 'telemetry-audit', semanticVersion: ctx.toolVersion };
      if (ctx.toolHomepage) driver.informationUri = ctx.toolHomepage;
      driver.rules = rules.map(ruleDescriptor);
      const failed = exitCode === 2 && conclusion !== undefined;
      const invocation: Record<string, unknown> = { executionSuccessful: !failed && (optout ? optout.scenarios.length > 0 : summary.verdict !== 'empty'), exitCode };
      const notifications: Array<Record<string, unknown>> = [];
      if (failed) notifications.push({ level: 'error', message: { text: conclusion } });
      else if (summary.verdict === 'empty' && !optout) notifications.push({ level: 'error', message: { text: 'no request was audited: an audit of nothing proves nothing' } });
      if (cut.results > 0) {
        notifications.push({
          level: 'warning',
          message: {
            text: `${cut.results} distinct findings (${cut.occurrences} occurrences; rules ${[...cut.rules].sort().join(', ')}) were left out: GitHub accepts at most ${SARIF_MAX_RESULTS} results per run. The JSON report has every finding.`,
          },
        });
      }
      if (notifications.length > 0) invocation.toolExecutionNotifications = notifications;
      const properties = {
        policy: { name: ctx.policy.name, title: ctx.policy.title, version: ctx.policy.version ?? null },
        evidence: ctx.showEvidence ? 'revealed' : 'redacted',
        summary,
        ...(conclusion !== undefined ? { conclusion } : {}),
        ...(cut.results > 0 ? { resultsLeftOut: { results: cut.results, occurrences: cut.occurrences } } : {}),
        ...(optout ? { optout } : {}),
      };
      const head = JSON.stringify({ $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [{ tool: { driver }, results: [] }] }, null, 2);
      const pieces: string[] = [head.slice(0, head.lastIndexOf('[]')) + '['];
      let first = true;
      for (const d of distinct.values()) {
        if (d === 'cut') continue;
        const result: Record<string, unknown> = { ...d.result };
        if (d.count > 1) result.occurrenceCount = d.count;
        if (d.related.length > 0) result.relatedLocations = d.related;
        pieces.push(`${first ? '' : ','}\n        ${nested(result, 4)}`);
        first = false;
      }
      pieces.push(`${first ? '' : '\n      '}],\n      "invocations": ${nested([invocation], 3)},\n      "properties": ${nested(properties, 3)}\n    }\n  ]\n}\n`);
      return pieces.join('');
    },
  };
}
