/**
 * Read capture inputs and keep what shape recording and drift need: every payload's shape per
 * kind and every distinct finding (fingerprint, rule, where, how often). Bodies and payloads
 * are dropped as soon as their shape is taken, so memory follows the number of distinct
 * fields and findings, not the size of the capture.
 */
import type { CaptureSide, FindingDigest } from '../baseline/drift.js';
import { baselineEntry } from '../baseline/finding-baseline.js';
import { BASELINE_RULES } from '../baseline/rules.js';
import { ShapeSet } from '../baseline/shape.js';
import { readInputs, resolveInputSet } from '../capture/read-inputs.js';
import { auditRequest, type AuditOptions } from '../engine/audit-request.js';
import type { CompiledPolicy } from '../engine/compiled-policy.js';
import type { Policy } from '../policy/policy-schema.js';
import { escapeControls } from '../report/control-chars.js';
import { writeOut, type CliIO, type ParsedArgs } from './command.js';
import { setupDetection } from './options/detection-options.js';
import { loadCompiledPolicy } from './options/policy-options.js';

export interface CollectedCaptures extends CaptureSide {
  /** Audited requests whose body did not parse as JSON: they have findings but no shape. */
  withoutPayload: number;
  /** What the inputs' directories held that was not read, and why (for the user, on stderr). */
  notes: string[];
}

export interface AuditSetup {
  policy: Policy;
  compiled: CompiledPolicy;
  options: AuditOptions;
}

/** Policy and detectors exactly as `audit` sets them up, so kinds and findings agree with it. */
export async function setupAudit(args: ParsedArgs, io: CliIO): Promise<AuditSetup> {
  const detection = await setupDetection(args, io);
  const { policy, compiled } = await loadCompiledPolicy(args, io, [...detection.rules, ...BASELINE_RULES]);
  return { policy, compiled, options: { detectors: detection.detectors, scanners: detection.scanners, keepPayload: true } };
}

export async function collectCaptures(inputs: string[], io: CliIO, setup: AuditSetup): Promise<CollectedCaptures> {
  const { sources, notes } = await resolveInputSet(inputs, io.cwd);
  const out: CollectedCaptures = { inputs, requests: 0, audited: 0, withoutPayload: 0, notes, shapes: new ShapeSet(), findings: new Map<string, FindingDigest>() };
  for await (const request of readInputs(sources, io.stdin)) {
    const result = auditRequest(request, setup.compiled, setup.options);
    out.requests++;
    if (result.verdict === 'skipped') continue;
    out.audited++;
    if (result.payload !== undefined) out.shapes.add(result.kind, result.payload);
    else out.withoutPayload++;
    for (const f of result.findings) {
      const seen = out.findings.get(f.fingerprint);
      if (seen) seen.count++;
      else {
        const { rule, kind, location } = baselineEntry(f);
        out.findings.set(f.fingerprint, { fingerprint: f.fingerprint, rule, severity: f.severity, kind, location, message: f.message, count: 1 });
      }
    }
  }
  return out;
}

/** A directory never loses files silently: what was not read is said on stderr. */
export async function writeInputNotes(io: CliIO, command: string, notes: readonly string[]): Promise<void> {
  for (const note of notes) await writeOut(io.stderr, `telemetry-audit ${command}: note: ${escapeControls(note)}\n`);
}
