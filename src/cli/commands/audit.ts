/** `telemetry-audit audit`: replay captures through the engine and exit with a CI verdict. */
import { readInputs, resolveInputs } from '../../capture/read-inputs.js';
import { auditRequest } from '../../engine/audit-request.js';
import { SummaryBuilder } from '../../engine/summary.js';
import { DEFAULT_DETECTORS } from '../../detectors/default-detectors.js';
import { compileOrExplain, loadPolicy } from '../../policy/load-policy.js';
import type { RuleDoc } from '../../policy/policy-schema.js';
import { STREAM_REPORTERS } from '../../report/stream-reporters.js';
import { COLOR, PLAIN, colorEnabled } from '../../report/style.js';
import type { CommandSpec } from '../command.js';
import { writeOut } from '../command.js';
import { UsageError } from '../errors.js';
import { auditExitCode } from '../exit-codes.js';
import { boolOpt, choiceOpt, intOpt, stringOpt } from '../parse-args.js';
import { TOOL_VERSION } from '../version.js';

export const detectorRules = (): RuleDoc[] =>
  DEFAULT_DETECTORS.map((d) => ({ id: d.id, severity: d.severity, title: d.title, description: d.description, leak: true }));

export const auditCommand: CommandSpec = {
  name: 'audit',
  summary: 'Audit captured telemetry (NDJSON captures, JSON payloads, HAR files) against a policy.',
  usage: 'telemetry-audit audit [inputs...] [options]',
  description: [
    'Inputs are files, directories, glob patterns, or "-" for standard input. The format is chosen',
    'by content: the NDJSON capture format (streamed), HAR 1.2 (including WebSocket frames), or bare',
    'JSON payloads (an object, an array of them, or one per line).',
    '',
    'Exit codes: 0 every audited request conforms; 1 errors found, or warnings over --max-warnings;',
    '2 usage error, unreadable input, bad policy, or nothing audited.',
  ].join('\n'),
  options: [
    { name: 'policy', type: 'string', value: 'NAME|FILE', description: 'policy to audit against: a built-in name (hasura) or a JSON/YAML file (default: hasura)' },
    { name: 'format', type: 'string', value: 'text|json', description: 'report format (default: text)' },
    { name: 'max-warnings', type: 'string', value: 'N', description: 'fail (exit 1) when there are more than N warnings' },
    { name: 'show-evidence', type: 'boolean', description: 'print the offending values (reports redact them by default)' },
    { name: 'quiet', short: 'q', type: 'boolean', description: 'print the summary only' },
  ],
  examples: ['telemetry-audit audit fixtures/hasura', 'telemetry-audit audit capture.ndjson --format json > report.json', 'cat payload.json | telemetry-audit audit -'],
  async run(args, io) {
    if (args.positionals.length === 0) throw new UsageError('no input given: name capture files, directories, globs, or "-" for stdin');
    const format = choiceOpt(args, 'format', Object.keys(STREAM_REPORTERS), 'text');
    const maxWarnings = intOpt(args, 'max-warnings');
    const showEvidence = boolOpt(args, 'show-evidence');
    const quiet = boolOpt(args, 'quiet');

    const { policy, origin } = await loadPolicy(stringOpt(args, 'policy') ?? 'hasura', io.cwd);
    const compiled = compileOrExplain(policy, origin, detectorRules());
    const sources = await resolveInputs(args.positionals, io.cwd);

    const style = format === 'text' && colorEnabled(io.env, io.stdout.isTTY === true) ? COLOR : PLAIN;
    const reporter = STREAM_REPORTERS[format]!({
      toolVersion: TOOL_VERSION,
      policy,
      inputs: args.positionals,
      showEvidence,
      quiet,
      style,
    });
    const summary = new SummaryBuilder();
    await writeOut(io.stdout, reporter.begin());
    for await (const request of readInputs(sources, io.stdin)) {
      const result = auditRequest(request, compiled, { detectors: DEFAULT_DETECTORS });
      summary.add(result);
      await writeOut(io.stdout, reporter.result(result));
    }
    const final = summary.build();
    const code = auditExitCode(final, maxWarnings);
    await writeOut(io.stdout, reporter.end(final, code));
    return code;
  },
};
