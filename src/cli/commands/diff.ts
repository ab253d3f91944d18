/** `telemetry-audit diff OLD NEW`: how the telemetry of two capture sets differs. */
import { appendFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { driftBetween } from '../../baseline/drift.js';
import { InputError } from '../../capture/read-inputs.js';
import { driftJson, driftMarkdown, driftText, type DriftReport } from '../../report/drift-report.js';
import { formatOfFileName } from '../../report/reporters.js';
import { COLOR, PLAIN, colorEnabled } from '../../report/style.js';
import { collectCaptures, setupAudit, writeInputNotes } from '../collect-captures.js';
import type { CommandSpec } from '../command.js';
import { writeOut } from '../command.js';
import { ConfigError, UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { DETECTION_OPTIONS } from '../options/detection-options.js';
import { POLICY_OPTIONS } from '../options/policy-options.js';
import { choiceOpt, stringOpt } from '../parse-args.js';
import { TOOL_VERSION } from '../version.js';

const FORMATS = ['text', 'json', 'markdown'] as const;
type DriftFormat = (typeof FORMATS)[number];

export const diffCommand: CommandSpec = {
  name: 'diff',
  summary: 'Compare the telemetry of two capture sets: kinds, fields and types that changed, new findings.',
  usage: 'telemetry-audit diff OLD NEW [options]',
  description: [
    'OLD and NEW are capture inputs like audit\'s (a file, directory or glob each), for example the',
    'telemetry of two releases. Per payload kind it lists the fields added, removed, and whose value',
    'types changed, as a diff of the field lists, then the findings NEW has that OLD did not. A kind',
    'renamed between releases is paired with its predecessor when most of their fields are shared.',
    '',
    'Exit codes: 0 nothing new is sent (removals and new warnings alone do not fail); 1 telemetry',
    'grew: a new kind, field or value type, or a new error finding; 2 usage error, unreadable input,',
    'or a side with nothing audited.',
  ].join('\n'),
  options: [
    ...POLICY_OPTIONS,
    ...DETECTION_OPTIONS,
    { name: 'format', type: 'string', value: 'FORMAT', description: `report format: ${FORMATS.join(', ')} (default: text, or from the --output extension)` },
    { name: 'output', short: 'o', type: 'string', value: 'FILE', description: 'write the report to FILE; $GITHUB_STEP_SUMMARY gets Markdown, appended' },
  ],
  examples: ['telemetry-audit diff captures/v2.35 captures/v2.36', 'telemetry-audit diff old.ndjson new.ndjson --format markdown -o "$GITHUB_STEP_SUMMARY"'],
  async run(args, io) {
    if (args.positionals.length !== 2) throw new UsageError('give exactly two inputs: OLD and NEW');
    const [oldInput, newInput] = args.positionals as [string, string];
    if (oldInput === '-' && newInput === '-') throw new UsageError('only one side can be read from stdin');
    const output = stringOpt(args, 'output');
    const stepSummary = io.env.GITHUB_STEP_SUMMARY ? path.resolve(io.cwd, io.env.GITHUB_STEP_SUMMARY) : null;
    const outPath = output === undefined || output === '-' ? null : path.resolve(io.cwd, output);
    const inferred = output === undefined ? null : formatOfFileName(output);
    const fallback: DriftFormat = outPath !== null && outPath === stepSummary ? 'markdown' : inferred === 'json' || inferred === 'markdown' ? inferred : 'text';
    const format = choiceOpt(args, 'format', FORMATS, fallback);

    const setup = await setupAudit(args, io);
    const old = await collectCaptures([oldInput], io, setup);
    const next = await collectCaptures([newInput], io, setup);
    await writeInputNotes(io, 'diff', [...old.notes, ...next.notes]);
    for (const [label, side] of [['OLD', old], ['NEW', next]] as const) {
      if (side.audited === 0) throw new InputError(`${label} (${side.inputs.join(', ')}): no request was audited, so there is nothing to compare`);
    }
    const drift = driftBetween(old, next);
    const report: DriftReport = { drift, old, new: next, policy: setup.policy, toolVersion: TOOL_VERSION, exitCode: drift.grew ? EXIT.FINDINGS : EXIT.OK };
    const style = format === 'text' && outPath === null && colorEnabled(io.env, io.stdout.isTTY === true) ? COLOR : PLAIN;
    const text = format === 'json' ? driftJson(report) : format === 'markdown' ? driftMarkdown(report) : driftText(report, style);
    if (outPath === null) {
      await writeOut(io.stdout, text);
    } else {
      try {
        await (outPath === stepSummary ? appendFile(outPath, text) : writeFile(outPath, text));
      } catch (err) {
        throw new ConfigError(`cannot write ${output}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    }
    return report.exitCode;
  },
};
