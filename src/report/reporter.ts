/**
 * Reporters turn audit results into text. A streaming reporter writes as results arrive, so a
 * CI run over a huge capture never holds every result; every reporter (streaming or not) sees
 * the same ReportContext.
 */
import type { RequestResult } from '../engine/audit-request.js';
import type { AuditSummary } from '../engine/summary.js';
import type { Policy } from '../policy/policy-schema.js';
import type { Style } from './style.js';

export interface ReportContext {
  toolVersion: string;
  policy: Pick<Policy, 'name' | 'title' | 'version'>;
  inputs: string[];
  showEvidence: boolean;
  quiet: boolean;
  style: Style;
  /** Notes the run wants in the report (e.g. which identity terms were checked). */
  notes?: string[];
}

export interface StreamReporter {
  begin(): string;
  result(result: RequestResult): string;
  /** `conclusion`: what a live run concluded when its exit code is not the audit's alone. */
  end(summary: AuditSummary, exitCode: number, conclusion?: string): string;
}
