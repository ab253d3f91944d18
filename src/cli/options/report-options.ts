/**
 * How results are reported: format, where to (stdout or files), evidence, verbosity, warning
 * budget. `--output` may be repeated, so one CI run can write SARIF, JUnit and a job summary.
 */
import path from 'node:path';
import { REPORT_FORMATS, formatOfFileName, type ReportFormat } from '../../report/reporters.js';
import type { CliIO, OptionSpec, ParsedArgs } from '../command.js';
import { UsageError } from '../errors.js';
import { boolOpt, choiceOpt, intOpt, stringOpt, stringsOpt } from '../parse-args.js';

export const REPORT_OPTIONS: OptionSpec[] = [
  { name: 'format', type: 'string', value: 'FORMAT', description: `report format: ${REPORT_FORMATS.join(', ')} (default: text, or from the --output extension)` },
  {
    name: 'output',
    short: 'o',
    type: 'string',
    multiple: true,
    value: 'FILE',
    description: 'write the report to FILE ("-": stdout); format from --format or the extension (.json .xml .sarif .md .html); $GITHUB_STEP_SUMMARY gets Markdown, appended',
  },
  { name: 'max-warnings', type: 'string', value: 'N', description: 'fail (exit 1) when there are more than N warnings' },
  { name: 'show-evidence', type: 'boolean', description: 'print the offending values (reports redact them by default)' },
  { name: 'quiet', short: 'q', type: 'boolean', description: 'print the summary only' },
];

export interface ReportTarget {
  format: ReportFormat;
  /** Absolute path, or null for stdout. */
  path: string | null;
  /** What to call it in messages (as given). */
  display: string;
  /** Append instead of replacing: the GitHub job summary file is shared by a step's commands. */
  append: boolean;
}

export interface ReportSettings {
  /** The format of the main report (stdout, or the files when no extension says otherwise). */
  format: ReportFormat;
  targets: ReportTarget[];
  maxWarnings: number | undefined;
  showEvidence: boolean;
  quiet: boolean;
}

export function reportSettings(args: ParsedArgs, io: Pick<CliIO, 'env' | 'cwd'> = { env: {}, cwd: process.cwd() }): ReportSettings {
  const explicit = stringOpt(args, 'format') === undefined ? undefined : choiceOpt(args, 'format', REPORT_FORMATS, 'text');
  const stepSummary = io.env.GITHUB_STEP_SUMMARY ? path.resolve(io.cwd, io.env.GITHUB_STEP_SUMMARY) : null;
  const targets: ReportTarget[] = stringsOpt(args, 'output').map((file) => {
    if (file.trim() === '') throw new UsageError('--output needs a file name, and was given an empty one (an unset variable, such as $GITHUB_STEP_SUMMARY outside GitHub Actions?)');
    if (file === '-') return { format: explicit ?? 'text', path: null, display: 'stdout', append: false };
    const abs = path.resolve(io.cwd, file);
    const isStepSummary = abs === stepSummary;
    const format = explicit ?? formatOfFileName(file) ?? (isStepSummary ? 'markdown' : 'text');
    return { format, path: abs, display: file, append: isStepSummary };
  });
  const seen = new Set<string | null>();
  for (const t of targets) {
    if (seen.has(t.path)) throw new UsageError(`--output ${t.display} is given twice`);
    seen.add(t.path);
  }
  if (targets.length === 0) targets.push({ format: explicit ?? 'text', path: null, display: 'stdout', append: false });
  return {
    format: targets[0]!.format,
    targets,
    maxWarnings: intOpt(args, 'max-warnings'),
    showEvidence: boolOpt(args, 'show-evidence'),
    quiet: boolOpt(args, 'quiet'),
  };
}
