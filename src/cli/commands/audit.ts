/** `telemetry-audit audit`: replay captures through the engine and exit with a CI verdict. */
import { readInputUnits, resolveInputSet } from '../../capture/read-inputs.js';
import { AUDIT_RUN_OPTIONS, AuditRun } from '../audit-run.js';
import type { CommandSpec } from '../command.js';
import { UsageError } from '../errors.js';
import { JOBS_OPTION, jobsOpt } from '../options/jobs-option.js';
import { refuseWritesOverReads } from '../output-collisions.js';

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
  options: [...AUDIT_RUN_OPTIONS, JOBS_OPTION],
  examples: [
    'telemetry-audit audit fixtures/hasura',
    'telemetry-audit audit capture.ndjson --format json > report.json',
    'cat payload.json | telemetry-audit audit -',
    'telemetry-audit audit captures/ --baseline baseline.json -o report.sarif -o report.junit.xml -o "$GITHUB_STEP_SUMMARY"',
  ],
  async run(args, io) {
    if (args.positionals.length === 0) throw new UsageError('no input given: name capture files, directories, globs, or "-" for stdin');
    const jobs = jobsOpt(args);
    // Inputs first: what they hold decides the report's notes, and no output may overwrite one.
    const { sources, notes } = await resolveInputSet(args.positionals, io.cwd);
    refuseWritesOverReads(args, io, sources);
    const run = await AuditRun.fromArgs(args, io, args.positionals, { notes });
    run.showProgress();
    try {
      await run.begin();
      await run.addAll(readInputUnits(sources, io.stdin), jobs);
      return await run.finish();
    } finally {
      // Erased before any error is printed.
      run.stopProgress();
    }
  },
};
