/** How results are reported: format, evidence, verbosity, warning budget. */
import { STREAM_REPORTERS } from '../../report/stream-reporters.js';
import type { OptionSpec, ParsedArgs } from '../command.js';
import { boolOpt, choiceOpt, intOpt } from '../parse-args.js';

export const REPORT_OPTIONS: OptionSpec[] = [
  { name: 'format', type: 'string', value: 'FORMAT', description: `report format: ${Object.keys(STREAM_REPORTERS).join(', ')} (default: text)` },
  { name: 'max-warnings', type: 'string', value: 'N', description: 'fail (exit 1) when there are more than N warnings' },
  { name: 'show-evidence', type: 'boolean', description: 'print the offending values (reports redact them by default)' },
  { name: 'quiet', short: 'q', type: 'boolean', description: 'print the summary only' },
];

export interface ReportSettings {
  format: string;
  maxWarnings: number | undefined;
  showEvidence: boolean;
  quiet: boolean;
}

export function reportSettings(args: ParsedArgs): ReportSettings {
  return {
    format: choiceOpt(args, 'format', Object.keys(STREAM_REPORTERS), 'text'),
    maxWarnings: intOpt(args, 'max-warnings'),
    showEvidence: boolOpt(args, 'show-evidence'),
    quiet: boolOpt(args, 'quiet'),
  };
}
