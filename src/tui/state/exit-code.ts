/**
 * The exit code the inspector quits with: the audit's, computed exactly as `audit` does from
 * the same counts, so `q` after a replay exits as `audit` would on the same inputs.
 */
import { auditExitCode, EXIT, type ExitCode } from '../../cli/exit-codes.js';
import { toSummary } from './counts.js';
import type { InspectorState } from './inspector-state.js';

export interface ExitVerdict {
  code: ExitCode | number;
  label: string;
  tone: 'pass' | 'warn' | 'fail';
}

export function inspectorVerdict(state: Pick<InspectorState, 'source' | 'counts' | 'optout'>, maxWarnings: number | undefined): ExitVerdict {
  if (state.source.error) return { code: EXIT.USAGE, label: 'INPUT ERROR', tone: 'fail' };
  if (state.optout?.verdict) {
    const v = state.optout.verdict;
    return { code: v.exitCode, label: v.label, tone: v.exitCode === EXIT.OK ? 'pass' : 'fail' };
  }
  const summary = toSummary(state.counts);
  const code = auditExitCode(summary, maxWarnings);
  if (code === EXIT.FINDINGS) return { code, label: 'FAIL', tone: 'fail' };
  // A replay left before its end proves nothing about what was not read yet.
  if (!state.source.live && state.source.active) return { code: EXIT.USAGE, label: 'NOT FINISHED', tone: 'warn' };
  if (summary.audited === 0) return { code, label: 'NOTHING AUDITED', tone: 'fail' };
  return { code, label: summary.warnings > 0 ? 'PASS (with warnings)' : 'PASS', tone: summary.warnings > 0 ? 'warn' : 'pass' };
}
