/** `telemetry-audit run -- <command>`: run a program with interception and audit what it sends. */
import type { StdioOptions } from 'node:child_process';
import { describeExit, LiveSession, LiveSetupError, warmHostsOf, type TraceMode, type TraceState } from '../../live/live-session.js';
import type { SealedMode } from '../../live/sealed/sealed-target.js';
import { AUDIT_RUN_OPTIONS, AuditRun } from '../audit-run.js';
import { JOBS_OPTION, jobsOpt } from '../options/jobs-option.js';
import type { CliIO, CommandSpec, ParsedArgs } from '../command.js';
import { ConfigError, UsageError } from '../errors.js';
import { LiveAudit, liveOutcome } from '../live-audit.js';
import { refuseWritesOverReads } from '../output-collisions.js';
import { captureSettings, containmentNote, printsPayloads, sealedMode, traceFor, traceMode, unsealedNote } from '../options/live-options.js';
import { RUN_OPTIONS } from '../options/run-options.js';
import { boolOpt, secondsOpt } from '../parse-args.js';
import { withInterruptHandler } from '../interrupt.js';
import { isChromiumFamily } from '../../live/browser/chromium.js';

/** Options of every command that runs a target live (`run`, `inspect -- <command>`). */
export { RUN_OPTIONS } from '../options/run-options.js';

export function traceNote(trace: TraceState): string {
  return trace.active ? 'bypass detection: strace follows every connect() and DNS query of the process tree' : `bypasses could not be seen: ${trace.reason}`;
}

/** --timeout in milliseconds. */
function timeoutMsOf(args: ParsedArgs): number | undefined {
  const seconds = secondsOpt(args, 'timeout');
  return seconds === undefined ? undefined : Math.round(seconds * 1000);
}

/** The proxy, CA and tracer for `command`, set up from the live options; nothing runs yet. */
export async function openLiveSession(args: ParsedArgs, io: CliIO, command: string[], stdio: StdioOptions, extra: { captureOutput?: boolean; trace?: TraceMode; sealed?: SealedMode; warmHosts?: readonly string[] } = {}): Promise<LiveSession> {
  const capture = captureSettings(args);
  try {
    return await LiveSession.create({
      command,
      env: io.env,
      cwd: io.cwd,
      trace: traceMode(args),
      sealed: sealedMode(args),
      traceLoopback: boolOpt(args, 'trace-loopback'),
      timeoutMs: timeoutMsOf(args),
      port: capture.port,
      respond: capture.respond,
      nodePreload: capture.nodePreload,
      stdio,
      ...extra,
    });
  } catch (err) {
    if (err instanceof LiveSetupError) throw new ConfigError(err.message);
    throw err;
  }
}

export const runCommand: CommandSpec = {
  name: 'run',
  summary: 'Run a command with interception: capture everything it tries to send, audit it live (dry-run: nothing is forwarded).',
  usage: 'telemetry-audit run [options] -- <command> [args...]',
  takesCommand: true,
  description: [
    'The command runs behind a loopback proxy with a per-run CA: proxy and CA variables for every',
    'ecosystem and a Node.js preload for http/https/fetch/WebSocket. On Linux, where it can be set',
    'up, the run is sealed: the command runs in its own network namespace where every TCP connection',
    'reaches the proxy whatever its settings, DNS is answered inside and nothing can leave',
    '(--no-sealed: proxy only, plus a tracer where strace works, which sees bypasses but cannot stop them).',
    'Nothing is forwarded: the proxy answers as the',
    'endpoint would (--respond), prints each would-be payload, and audits it like `audit`.',
    "The command's own output goes to stderr; the report to stdout.",
    '',
    'Exit codes: 0 every audited request conforms, or (sealed, or with the tracer) nothing left the machine;',
    '1 errors found, or warnings over --max-warnings; 2 usage, command not found, proxy, CA or',
    'output file errors (before the command starts); 3 inconclusive: nothing was captured and',
    'bypasses could not be seen, or the command failed before sending anything.',
  ].join('\n'),
  options: [...AUDIT_RUN_OPTIONS, ...RUN_OPTIONS, JOBS_OPTION],
  examples: [
    'telemetry-audit run -- hasura version',
    'telemetry-audit run --save capture.ndjson --har capture.har -- graphql-engine serve',
    'telemetry-audit run --timeout 30 --format json -- ./my-cli sync > report.json',
  ],
  async run(args, io) {
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}": put the command after "--"`);
    if (args.rest.length === 0) throw new UsageError('no command given: telemetry-audit run [options] -- <command> [args...]');
    const capture = captureSettings(args);
    const mode = traceMode(args);
    const command = args.rest;

    refuseWritesOverReads(args, io);
    // A browser target is never sealed (its DevTools pipe cannot pass the namespace helper; see
    // LiveSession.create): --sealed is refused, and the default falls back to the proxy, said in a note.
    const browserTarget = isChromiumFamily(command[0]!);
    const sealing = sealedMode(args);
    if (browserTarget && sealing === 'on') throw new ConfigError('--sealed cannot contain a browser target (its DevTools pipe cannot pass the namespace helper); use --no-sealed');
    const { trace, containment } = traceFor(mode, io, browserTarget ? 'off' : sealing);
    const notes = [containmentNote(containment), traceNote(trace)];
    const unsealed = unsealedNote(browserTarget ? 'off' : sealing, containment, io);
    if (unsealed) notes.push(unsealed);
    if (browserTarget && sealing === 'auto') notes.push('not sealed: a browser target runs behind the proxy only (its DevTools pipe cannot pass the namespace helper)');
    const run = await AuditRun.fromArgs(args, io, [command.join(' ')], { keepPayload: printsPayloads(args), notes });
    // The report owns stdout; the command's output goes to stderr.
    const session = await openLiveSession(args, io, command, ['inherit', 2, 2], { warmHosts: warmHostsOf(run.policy) });
    const live = await LiveAudit.startOn(session, run, io, { save: capture.save, har: capture.har, respond: capture.respond, jobs: jobsOpt(args), label: 'telemetry-audit run', origin: { kind: 'process', command: command.join(' ') } });

    const end = await withInterruptHandler(
      () => {
        void live.status('interrupted: stopping the command and its children (captures are kept)', true);
        void session.stop('interrupt');
      },
      async () => {
        await session.start();
        return session.done;
      },
    );
    await live.close();
    if (run.settings.quiet && end.target && (end.target.stoppedBy !== null || end.target.code !== 0 || end.target.spawnError)) {
      await live.status(describeExit(command.join(' '), end.target), true);
    }
    const outcome = liveOutcome({ audited: run.currentSummary().audited, requests: live.requests, trace: session.trace, target: end.target, directLoopback: end.directLoopback, containment: end.containment });
    return run.finish(outcome ?? undefined, { mode: end.containment, dnsQueries: end.dnsQueries });
  },
};
