/**
 * Reporters turn audit results into text. Every reporter streams: it writes as results arrive,
 * or keeps them in bounded form (Markdown keeps only what its capped tables show; JUnit and
 * HTML spool what they render to disk past a few MiB), so a CI run over a huge capture never
 * holds every result. Reporters that keep results keep the slim ReportedRequest (no body, no
 * payload, evidence already redacted unless revealed). Every reporter sees the same ReportContext.
 */
import type { CapturedRequest } from '../capture/captured-request.js';
import type { RequestResult } from '../engine/audit-request.js';
import { evidenceText, type Finding } from '../engine/finding.js';
import type { AuditSummary } from '../engine/summary.js';
import type { OptoutMatrix } from '../optout/matrix.js';
import type { DnsQuery } from '../capture/capture-feed.js';

/** How a live run was contained, and what its sealed namespaces answered (JSON report). */
export interface ContainmentReport {
  mode: string;
  /** Every DNS query answered inside a sealed namespace: name, type, the private address given. */
  dnsQueries: DnsQuery[];
}
import type { Policy, RuleDoc } from '../policy/policy-schema.js';
import type { Style } from './style.js';
import { redactUrl } from '../engine/url-redaction.js';

/** A rule as this run reports it: its documentation, the severity in force, and whether it is on. */
export interface ReportRule extends RuleDoc {
  enabled: boolean;
  /** The rule's section in the published documentation (built-in rules). */
  helpUri?: string;
}

export interface ReportContext {
  toolVersion: string;
  /** Where to read about the tool (SARIF's informationUri), when the package names one. */
  toolHomepage?: string;
  policy: Pick<Policy, 'name' | 'title' | 'version'>;
  inputs: string[];
  showEvidence: boolean;
  quiet: boolean;
  style: Style;
  /** Notes the run wants in the report (e.g. which identity terms were checked). */
  notes?: string[];
  /** Every rule the run can report (engine, detectors, baselines, policy), for SARIF's rules[]. */
  rules?: readonly ReportRule[];
}

/** A line of a file in the checkout that holds a request (the capture saved beside a SARIF report). */
export interface ArtifactLine {
  file: string;
  line: number;
}

export interface StreamReporter {
  begin(): string;
  /** `at`: where the request was saved, when it has no file of its own (stdin, live capture). */
  result(result: RequestResult, at?: ArtifactLine): string;
  /**
   * `conclusion`: what a live run concluded when its exit code is not the audit's alone;
   * `optout`: the matrix of an opt-out run, whose verdict the exit code is.
   */
  end(summary: AuditSummary, exitCode: number, conclusion?: string, optout?: OptoutMatrix, containment?: ContainmentReport): string | Iterable<string>;
  /**
   * Reporters whose text for a request depends on that request alone (see PieceRenderer): take
   * the text a renderer made of `count` consecutive results elsewhere (an audit worker), and
   * return what result() would have returned for them, one after another.
   */
  takeRendered?(text: string, count: number): string;
}

/** What a request's report text depends on beyond the request: plain data, so a worker can have it. */
export interface PieceSettings {
  showEvidence: boolean;
  quiet: boolean;
  color: boolean;
}

/**
 * The per-request text of a reporter that keeps no state between requests, made off the main
 * thread: `render` gives the text of a run of consecutive results, which the reporter's
 * takeRendered() turns into the bytes its result() would have written for them.
 */
export type PieceRenderer = (results: readonly RequestResult[]) => string;

/** What a reporter's end() gave, as pieces to write in order. */
export function endPieces(text: string | Iterable<string>): Iterable<string> {
  return typeof text === 'string' ? [text] : text;
}

/** A finding as a whole-report reporter sees it: `evidence` is what the report may print. */
export type ReportedFinding = Omit<Finding, 'evidence'> & { evidence?: string };

export interface ReportedRequest extends Pick<CapturedRequest, 'id' | 'time' | 'method' | 'url' | 'transport' | 'origin'> {
  kind: string | null;
  verdict: RequestResult['verdict'];
  skipReason?: string;
  findings: ReportedFinding[];
}

/** Drop what a finished report never needs (body, payload) and redact evidence now, once. */
export function toReportedRequest(r: RequestResult, showEvidence: boolean): ReportedRequest {
  const { id, time, method, url, transport, origin } = r.request;
  const out: ReportedRequest = {
    id,
    time,
    method,
    url: url === null ? null : redactUrl(url, showEvidence),
    transport,
    origin,
    kind: r.kind,
    verdict: r.verdict,
    findings: r.findings.map((f) => {
      const { evidence: _raw, ...rest } = f;
      const shown = evidenceText(f, showEvidence);
      return shown === undefined ? rest : { ...rest, evidence: shown };
    }),
  };
  if (r.skipReason) out.skipReason = r.skipReason;
  return out;
}
