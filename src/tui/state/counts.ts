/**
 * Running totals for the header and the exit code: the engine's own AuditSummary, folded
 * immutably so the reducer stays pure and the inspector exits exactly as `audit` would on the
 * same input (baseline approvals included: the inspector's results pass through AuditRun.withBaselines).
 */
import type { RequestResult } from '../../engine/audit-request.js';
import { SummaryBuilder, type AuditSummary } from '../../engine/summary.js';

export type Counts = AuditSummary;

export const EMPTY_COUNTS: Counts = new SummaryBuilder().build();

export function addCounts(counts: Counts, results: readonly RequestResult[]): Counts {
  return SummaryBuilder.fold(counts, results);
}

export function toSummary(c: Counts): AuditSummary {
  return c;
}
