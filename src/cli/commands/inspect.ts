/**
 * `telemetry-audit inspect`: the interactive inspector over replayed captures, or over a
 * capture file as it grows (--follow). When the terminal UI cannot be shown (stdout is not a
 * terminal, CI is set) it prints the same text report as `audit`, with the same exit code.
 * The UI itself is imported only once it is certain to be shown, and the live layer (proxy,
 * CA, tracer) only for `inspect -- <command>` (inspect-live.ts): replaying files never uses it,
 * and loading it cost the inspector's load as much as React and Ink (issue 15).
 */
import path from 'node:path';
import { stat } from 'node:fs/promises';
import { InputError, readInputUnits, resolveInputSet } from '../../capture/read-inputs.js';
import { AUDIT_RUN_OPTIONS, AuditRun } from '../audit-run.js';
import type { CommandSpec, ParsedArgs } from '../command.js';
import { writeOut } from '../command.js';
import { UsageError } from '../errors.js';
import { boolOpt, stringOpt } from '../parse-args.js';
import { loadInspector, tuiDecision } from '../tui-mode.js';
import { JOBS_OPTION, jobsOpt } from '../options/jobs-option.js';
import { RUN_OPTIONS } from '../options/run-options.js';
import { auditCommand } from './audit.js';

export const inspectCommand: CommandSpec = {
  name: 'inspect',
  summary: 'Inspect captured telemetry interactively, request by request and field by field.',
  usage: 'telemetry-audit inspect [inputs...] [options]\n       telemetry-audit inspect --follow FILE [options]\n       telemetry-audit inspect [options] -- <command> [args...]',
  description: [
    'Opens a terminal UI: the requests, each payload as a tree coloured by verdict, its findings,',
    'a diff against the policy\'s documented sample and the previous payload of its kind, and the',
    'raw request. Inputs are read as by `audit`. --follow tails an NDJSON capture as it grows (what',
    '`run --save FILE` writes). After "--", the command runs with interception as under `run`, and',
    'its requests appear as they are sent (its own output goes to a log file, named in the header).',
    'Keys: ? in the UI lists them all.',
    '',
    'When standard output is not a terminal, or CI is set, the text report of `audit` is printed',
    'instead, with the same exit code. Quitting the UI (q) exits with the audit\'s exit code.',
  ].join('\n'),
  options: [
    ...AUDIT_RUN_OPTIONS,
    { name: 'follow', short: 'f', type: 'string', value: 'FILE', description: 'follow an NDJSON capture file as it grows, like tail -f' },
    JOBS_OPTION,
    ...RUN_OPTIONS,
  ],
  takesCommand: true,
  examples: [
    'telemetry-audit inspect fixtures/hasura',
    'telemetry-audit inspect --follow capture.ndjson',
    'telemetry-audit inspect -- hasura metadata export',
    'npm start   # inspect the bundled Hasura corpus',
  ],
  async run(args, io) {
    if (args.rest.length > 0) return (await import('./inspect-live.js')).inspectLive(args, io);
    const follow = stringOpt(args, 'follow');
    if (follow !== undefined && args.positionals.length > 0) throw new UsageError('give either --follow FILE or inputs to replay, not both');
    if (follow === undefined && args.positionals.length === 0) {
      throw new UsageError('no input given: name capture files, directories, globs, or "-" for stdin (or --follow FILE)');
    }
    const stdinIsData = args.positionals.includes('-');
    const decision = tuiDecision(io, { stdinIsData });
    if (!decision.use) {
      await writeOut(io.stderr, `telemetry-audit inspect: ${decision.reason}: printing the text report instead of the interactive view\n`);
      if (follow !== undefined) {
        await writeOut(io.stderr, `telemetry-audit inspect: auditing ${follow} as it is now (not following)\n`);
        return auditCommand.run({ ...args, positionals: [follow] }, io);
      }
      return auditCommand.run(args, io);
    }
    refuseBaselineUpdate(args);
    if (stdinIsData && io.stdin.isTTY === true) {
      throw new UsageError('"-" reads captures from standard input, which is the terminal here: pipe a capture in, or name a file');
    }
    try {
      if (follow !== undefined) {
        // The file may not exist yet (the UI waits for it); its directory must.
        const dir = await stat(path.dirname(path.resolve(io.cwd, follow))).catch(() => null);
        if (!dir?.isDirectory()) throw new InputError(`${follow}: its directory does not exist`);
      }
      const inputs = follow !== undefined ? [follow] : args.positionals;
      // Bad inputs fail here, before React and Ink are loaded; what a directory held that is not
      // read goes into the run's notes (and every report saved from the inspector).
      const { sources, notes } = follow === undefined ? await resolveInputSet(args.positionals, io.cwd) : { sources: [], notes: [] };
      const run = await AuditRun.fromArgs(args, io, inputs, { notes });
      if (follow !== undefined) {
        const { runInspector } = await loadInspector();
        const file = path.resolve(io.cwd, follow);
        const { FollowFeed } = await import('../../capture/follow-feed.js');
        return await runInspector({ io, keys: decision.keys, run, label: `following ${follow}`, inputs, source: { kind: 'feed', feed: new FollowFeed(file, follow) } });
      }
      const label = args.positionals.map((p) => (p === '-' ? 'standard input' : p)).join(' ');
      // Reading and auditing start now, and the audit workers with them, while React and Ink load.
      const ui = loadInspector();
      const { startReplaySession } = await import('../../tui/replay-session.js');
      // Read as audit reads: raw capture lines go to the workers, which parse them and send the
      // requests back with their results, so this thread does not parse every record itself.
      const session = startReplaySession(io, run, label, readInputUnits(sources, io.stdin), jobsOpt(args));
      try {
        const { runInspector } = await ui;
        return await runInspector({ io, keys: decision.keys, run, label, inputs, source: { kind: 'started', session } });
      } finally {
        // Already stopped when the UI quits; not left reading if the UI could not start.
        session.replay.cancel();
      }
    } finally {
      if (decision.ownsKeys) decision.keys.destroy();
      // Quitting before a piped producer finished (tail -f | inspect -) must not wait for it.
      if (stdinIsData) (io.stdin as NodeJS.ReadStream).destroy?.();
    }
  },
};

/**
 * The inspector applies a baseline (--baseline) as `audit` does, but writing one is `audit`'s
 * job: an inspector that approved everything it showed and then wrote nothing would mislead.
 */
export function refuseBaselineUpdate(args: ParsedArgs): void {
  if (boolOpt(args, 'update-baseline')) throw new UsageError('--update-baseline is for `audit` (or inspect without a terminal): the interactive inspector reads a baseline with --baseline but does not write one');
}
