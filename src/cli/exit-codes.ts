/**
 * Every exit code the tool uses, and the one function per command family that picks it.
 * Only the bin sets process.exitCode; everything else returns numbers.
 */
import type { AuditSummary } from '../engine/summary.js';

export const EXIT = {
  /** Everything audited conforms. */
  OK: 0,
  /** Errors found, warnings over --max-warnings, or an opt-out path that leaked. */
  FINDINGS: 1,
  /** Usage, unreadable input, bad policy, nothing audited, or an internal error. */
  USAGE: 2,
  /** Opt-out verification could not conclude (the control sent nothing). */
  INCONCLUSIVE: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export function auditExitCode(summary: AuditSummary, maxWarnings: number | undefined): ExitCode {
  // An audit that audited nothing proves nothing: it must not pass.
  if (summary.audited === 0) return EXIT.USAGE;
  if (summary.errors > 0) return EXIT.FINDINGS;
  if (maxWarnings !== undefined && summary.warnings > maxWarnings) return EXIT.FINDINGS;
  return EXIT.OK;
}
