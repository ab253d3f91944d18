/** `telemetry-audit serve`: the intercepting proxy alone, for targets that run elsewhere. */
import { RUN_ID_ENV, shellExports } from '../../live/child-env.js';
import { LiveSession, LiveSetupError } from '../../live/live-session.js';
import { isLoopbackHost } from '../../engine/loopback.js';
import { AUDIT_RUN_OPTIONS, AuditRun } from '../audit-run.js';
import { JOBS_OPTION, jobsOpt } from '../options/jobs-option.js';
import type { CommandSpec, OptionSpec } from '../command.js';
import { writeOut } from '../command.js';
import { ConfigError, UsageError } from '../errors.js';
import { withInterruptHandler } from '../interrupt.js';
import { LiveAudit, liveOutcome } from '../live-audit.js';
import { CAPTURE_OPTIONS, captureSettings, printsPayloads } from '../options/live-options.js';
import { boolOpt, stringOpt } from '../parse-args.js';

const SERVE_OPTIONS: OptionSpec[] = [
  ...CAPTURE_OPTIONS,
  { name: 'host', type: 'string', value: 'ADDRESS', description: 'address to listen on (default 127.0.0.1)' },
  { name: 'allow-remote', type: 'boolean', description: 'accept clients that are not on loopback (with a --host they can reach)' },
];

export const serveCommand: CommandSpec = {
  name: 'serve',
  summary: 'Run the intercepting proxy alone: print the environment to set, capture until interrupted, then audit.',
  usage: 'telemetry-audit serve [--port N] [--host H] [--save FILE] [options]',
  description: [
    'For targets that run elsewhere (a container, another terminal): set the printed variables in',
    "the target's environment and make it trust the printed CA. Nothing is forwarded. Ctrl-C (or",
    'SIGTERM) stops the proxy and prints the audit. Without a tracer, connections that bypass the',
    'proxy cannot be seen: a session that captured nothing is inconclusive (exit 3).',
  ].join('\n'),
  options: [...AUDIT_RUN_OPTIONS, ...SERVE_OPTIONS, JOBS_OPTION],
  examples: ['telemetry-audit serve --port 8899 --save capture.ndjson', 'telemetry-audit serve --host 0.0.0.0 --allow-remote --har console.har'],
  async run(args, io) {
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
    const capture = captureSettings(args);
    const host = stringOpt(args, 'host') ?? '127.0.0.1';
    const allowRemote = boolOpt(args, 'allow-remote');
    const run = await AuditRun.fromArgs(args, io, ['serve'], { keepPayload: printsPayloads(args), notes: ['bypasses could not be seen: the proxy runs alone, with no tracer'] });

    let session: LiveSession;
    try {
      session = await LiveSession.create({ env: io.env, cwd: io.cwd, host, port: capture.port, allowRemoteClients: allowRemote, respond: capture.respond, nodePreload: capture.nodePreload });
    } catch (err) {
      if (err instanceof LiveSetupError) throw new ConfigError(err.message);
      throw err;
    }
    let live: LiveAudit;
    try {
      live = LiveAudit.open(run, io, { save: capture.save, har: capture.har, respond: capture.respond, jobs: jobsOpt(args), label: 'telemetry-audit serve', origin: { kind: 'process' } });
    } catch (err) {
      await session.stop();
      throw err;
    }
    live.attach(session);

    const vars = session.interceptionVars();
    delete vars[RUN_ID_ENV];
    const lines = [
      `telemetry-audit serve: proxy listening on ${session.proxy.url} (dry-run: nothing is forwarded)`,
      `CA certificate: ${session.ca.certPath}`,
      `CA bundle (CA + system roots): ${session.bundlePath}`,
    ];
    if (!isLoopbackHost(host)) {
      lines.push(
        allowRemote
          ? `note: from a container or another machine, use an address of this machine that it can reach in place of ${session.proxyHost}, and copy the CA there`
          : `note: only loopback clients are served; add --allow-remote to accept others on ${host}`,
      );
    }
    lines.push(
      '',
      "Set in the target's environment (the CA files are removed when serve stops):",
      shellExports(vars),
      '',
      'Capturing until Ctrl-C.',
      '',
    );
    // The handler is in place before the user is told they may interrupt: a Ctrl-C (or a
    // supervisor's SIGTERM) that follows the message at once must still stop cleanly.
    const end = await withInterruptHandler(
      () => void session.stop('interrupt'),
      async () => {
        await writeOut(io.stderr, lines.join('\n'));
        await run.begin();
        await session.start();
        return session.done;
      },
    );
    await live.close();
    const outcome = liveOutcome({ audited: run.currentSummary().audited, requests: live.requests, trace: session.trace, target: end.target });
    return run.finish(outcome ?? undefined);
  },
};
