/**
 * Where a request's findings are collected while it is audited: each rule's severity resolved
 * under the policy once, its fingerprint computed, and scanned findings marked for the dedupe.
 */
import type { Severity } from '../policy/policy-schema.js';
import type { CompiledPolicy } from './compiled-policy.js';
import { fingerprintOf, type Finding, type FindingLocation } from './finding.js';
import { RULES } from './rules.js';

export class FindingSink {
  readonly findings: Finding[] = [];
  /** Findings that came from scanning text (detectors, terms) rather than from the policy. */
  readonly scanned = new Set<Finding>();
  kind: string | null = null;
  constructor(
    private readonly policy: CompiledPolicy,
    private readonly requestId: string,
  ) {}

  add(
    rule: string,
    message: string,
    location: FindingLocation,
    extra: { evidence?: string | undefined; encoding?: string; matched?: string; severity?: Severity; scanned?: boolean } = {},
  ): void {
    const policySeverity = this.policy.severityOf(rule);
    if (policySeverity === null) return;
    // A severity the policy set explicitly wins; otherwise a finding may carry its own.
    const explicit = this.policy.explicitLevel(rule);
    const severity: Severity = explicit && explicit !== 'off' ? explicit : (extra.severity ?? policySeverity);
    const finding: Finding = {
      rule,
      severity,
      message,
      requestId: this.requestId,
      kind: this.kind,
      location,
      fingerprint: fingerprintOf({ rule, kind: this.kind, location, evidence: extra.evidence }),
    };
    if (extra.evidence !== undefined) finding.evidence = extra.evidence;
    if (extra.encoding !== undefined) finding.encoding = extra.encoding;
    if (extra.matched !== undefined) finding.matched = extra.matched;
    this.findings.push(finding);
    if (extra.scanned) this.scanned.add(finding);
  }
}


/** The error is evidence (redacted in reports like any other): its message may quote the payload. */
export function addCheckFailed(sink: FindingSink, location: FindingLocation, err: unknown): void {
  const name = err instanceof Error ? err.name : typeof err;
  const detail = err instanceof Error ? err.message : String(err);
  sink.add(RULES.checkFailed.id, `the checks failed with ${name}: nothing here can be vouched for`, location, { evidence: detail.slice(0, 200) });
}
