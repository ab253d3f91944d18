/** `inspect -- <command>`: loaded only when a command is given, with the live layer it needs. */
import { closeSync, mkdtempSync, openSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditRun } from '../audit-run.js';
import type { CliIO, ParsedArgs } from '../command.js';
import { writeOut } from '../command.js';
import { CaptureFiles } from '../capture-files.js';
import { UsageError } from '../errors.js';
import { liveOutcome } from '../live-audit.js';
import { captureSettings, containmentNote, sealedMode, traceFor, traceMode } from '../options/live-options.js';
import { stringOpt } from '../parse-args.js';
import { loadInspector, tuiDecision } from '../tui-mode.js';
import type { LiveSession } from '../../live/live-session.js';
import { refuseBaselineUpdate } from './inspect.js';
import { openLiveSession, runCommand, traceNote } from './run.js';

/**
 * `inspect -- <command>`: the command runs behind the proxy as under `run`, and the inspector
 * shows its requests as they arrive. Without a terminal it is `run` (same report, same exit code).
 */
export async function inspectLive(args: ParsedArgs, io: CliIO): Promise<number> {
  if (args.positionals.length > 0 || stringOpt(args, 'follow') !== undefined) {
    throw new UsageError('give either inputs to replay, --follow FILE, or a command after "--", not several');
  }
  const decision = tuiDecision(io, { stdinIsData: false });
  if (!decision.use) {
    await writeOut(io.stderr, `telemetry-audit inspect: ${decision.reason}: running the command as \`run\` does, with its text report\n`);
    return runCommand.run(args, io);
  }
  const command = args.rest;
  try {
    refuseBaselineUpdate(args);
    const { trace, containment } = traceFor(traceMode(args), io, sealedMode(args));
    const run = await AuditRun.fromArgs(args, io, [command.join(' ')], { notes: [containmentNote(containment), traceNote(trace)] });
    const capture = captureSettings(args);
    const files = CaptureFiles.open(capture, io.cwd);
    // The inspector owns the terminal: the command's own output goes to a log file.
    const logDir = mkdtempSync(path.join(os.tmpdir(), 'telemetry-audit-inspect-'));
    const logPath = path.join(logDir, 'command.log');
    const log = openSync(logPath, 'w');
    let session: LiveSession;
    try {
      session = await openLiveSession(args, io, command, ['ignore', log, log]);
    } catch (err) {
      closeSync(log);
      files.close();
      throw err;
    }
    let captured = 0;
    const unsubscribe = session.subscribe((e) => {
      if (e.type !== 'request') return;
      captured++;
      files.add(e.request);
    });
    const { runInspector } = await loadInspector();
    try {
      return await runInspector({
        io,
        keys: decision.keys,
        run,
        label: `log: ${logPath} · ${command.join(' ')}`,
        inputs: [command.join(' ')],
        source: {
          kind: 'feed',
          feed: session,
          origin: { kind: 'process', command: command.join(' ') },
          start: () => session.start(),
          // The inspector has stopped the session by the time it asks (q, or the target ended).
          conclude: async (summary) => {
            const end = await session.done;
            return liveOutcome({ audited: summary.audited, requests: captured, trace: session.trace, target: end.target, directLoopback: end.directLoopback, containment: end.containment });
          },
        },
      });
    } finally {
      unsubscribe();
      await session.stop();
      files.close();
      closeSync(log);
    }
  } finally {
    if (decision.ownsKeys) decision.keys.destroy();
  }
}
