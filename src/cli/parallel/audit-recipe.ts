/**
 * What an audit worker thread needs to audit exactly as the main thread does: the policy and
 * the extra rules it was compiled with, and the sensitive terms the scanners search for. All of
 * it is plain data (structured-cloneable); the worker compiles and builds scanners from it
 * with the same functions the main thread used.
 */
import type { AuditOptions } from '../../engine/audit-request.js';
import { compilePolicy, type CompiledPolicy } from '../../engine/compiled-policy.js';
import { DEFAULT_DETECTORS } from '../../detectors/default-detectors.js';
import type { Policy, RuleDoc } from '../../policy/policy-schema.js';
import type { SensitiveTerm } from '../../terms/sensitive-term.js';
import type { PieceSettings } from '../../report/reporter.js';
import type { ReportFormat } from '../../report/reporters.js';
import { detectionScanners } from '../options/detection-options.js';

export interface AuditRecipe {
  policy: Policy;
  extraRules: RuleDoc[];
  terms: SensitiveTerm[];
  /** Set when workers also write the run's reports (see RenderPlan). */
  render?: RenderPlan;
}

/**
 * How a worker reports what it audited, so the thread that writes the reports only
 * concatenates: one entry per report target, in the run's order, with the settings its text
 * depends on (null: the target takes results, see `findings`), and whether the results that
 * have findings must come back (for reports that keep state across requests).
 */
export interface RenderPlan {
  targets: Array<(PieceSettings & { format: ReportFormat }) | null>;
  findings: boolean;
}

export function cookRecipe(recipe: AuditRecipe): { compiled: CompiledPolicy; options: AuditOptions } {
  return {
    compiled: compilePolicy(recipe.policy, recipe.extraRules),
    options: { detectors: DEFAULT_DETECTORS, scanners: detectionScanners(recipe.terms) },
  };
}
