/**
 * What the detectors look for beyond the policy's schema: pattern detectors always, and
 * (issue 3) sensitive terms from the user, a Hasura metadata directory and the local identity.
 */
import type { TextScanner } from '../../engine/audit-request.js';
import type { Detector } from '../../detectors/detector.js';
import { DEFAULT_DETECTORS } from '../../detectors/default-detectors.js';
import type { RuleDoc } from '../../policy/policy-schema.js';
import type { CliIO, OptionSpec, ParsedArgs } from '../command.js';

export const DETECTION_OPTIONS: OptionSpec[] = [];

export interface DetectionSetup {
  detectors: readonly Detector[];
  scanners: readonly TextScanner[];
  /** Documentation of every rule the detectors and scanners can report. */
  rules: RuleDoc[];
  /** Lines for the report header (never the sensitive values themselves). */
  notes: string[];
}

export function detectorRules(detectors: readonly Detector[]): RuleDoc[] {
  return detectors.map((d) => ({ id: d.id, severity: d.severity, title: d.title, description: d.description, leak: true }));
}

export async function setupDetection(_args: ParsedArgs, _io: CliIO): Promise<DetectionSetup> {
  return { detectors: DEFAULT_DETECTORS, scanners: [], rules: detectorRules(DEFAULT_DETECTORS), notes: [] };
}
