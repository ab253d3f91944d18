/**
 * `telemetry-audit browse <url>`: load a page in a real headless Chromium behind the interceptor,
 * run an optional step script, and audit every request and WebSocket frame the page sends to any
 * origin other than its own. The page must be served from this machine: the proxy forwards
 * nothing, so it is the only thing the browser can load.
 */
import { isLoopbackHost } from '../../engine/loopback.js';
import { awaitBrowserExit, BROWSER_STDIO, drivePage, headlessBrowserCommand } from '../../live/browser/browse-page.js';
import { BrowserScriptError, loadBrowserScript, type BrowserScript } from '../../live/browser/browser-script.js';
import { browserCommand } from '../../live/browser/chromium.js';
import { describeExit } from '../../live/live-session.js';
import { AUDIT_RUN_OPTIONS, AuditRun } from '../audit-run.js';
import type { CommandSpec } from '../command.js';
import { ConfigError, UsageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { withInterruptHandler } from '../interrupt.js';
import { LiveAudit, liveOutcome } from '../live-audit.js';
import { captureSettings, printsPayloads, sealedMode, traceFor, traceMode } from '../options/live-options.js';
import { stringOpt } from '../parse-args.js';
import { openLiveSession, RUN_OPTIONS, traceNote } from './run.js';

const DEFAULT_FOR_SECONDS = 5;

function pageUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`"${raw}" is not a URL (e.g. http://127.0.0.1:9695/console)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${url.protocol} pages cannot be browsed: give an http or https URL`);
  if (!isLoopbackHost(url.hostname)) {
    throw new UsageError(`${url.hostname} is not on this machine: browse loads pages served on loopback only (the proxy forwards nothing, and loading a remote page would itself send a request off the machine)`);
  }
  return url;
}

function forSeconds(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_FOR_SECONDS;
  if (!/^\d+(\.\d+)?$/.test(raw) || Number(raw) > 3600) throw new UsageError(`--for needs a number of seconds from 0 to 3600, got "${raw}"`);
  return Number(raw);
}

export const browseCommand: CommandSpec = {
  name: 'browse',
  summary: 'Load a page in headless Chromium behind the interceptor and audit what it sends (dry-run).',
  usage: 'telemetry-audit browse <url> [--script FILE] [--for SECONDS] [options]',
  description: [
    'Starts headless Chromium (--browser, CHROME_PATH, or chromium in PATH) with a fresh profile,',
    "behind the loopback proxy, trusting this run's CA by an SPKI allow-list; QUIC, background",
    'networking and name resolution by the browser are off. It loads <url> (served on loopback),',
    'runs the --script steps (click, navigate, waitFor, waitForText, wait), keeps the page open',
    '--for SECONDS, and audits every request and WebSocket frame sent to other origins.',
    '',
    'Exit codes: as `run`; a step that fails, or a page that does not load, makes a run that',
    'would otherwise pass inconclusive (3).',
  ].join('\n'),
  options: [
    ...AUDIT_RUN_OPTIONS,
    ...RUN_OPTIONS,
    { name: 'script', type: 'string', value: 'FILE', description: 'steps to run in the page (JSON or YAML: click, navigate, waitFor, waitForText, wait)' },
    { name: 'for', type: 'string', value: 'SECONDS', description: `keep the page open SECONDS after the steps, for late senders (default ${DEFAULT_FOR_SECONDS}; 0: close at once)` },
    { name: 'browser', type: 'string', value: 'PATH', description: 'the Chromium-family browser to run (default: $CHROME_PATH, else chromium)' },
  ],
  examples: [
    'telemetry-audit browse http://127.0.0.1:9695/console',
    'telemetry-audit browse --script session.yaml --for 10 --har console.har http://127.0.0.1:8080/console',
  ],
  async run(args, io) {
    if (args.positionals.length !== 1) throw new UsageError('give exactly one page URL: telemetry-audit browse [options] <url>');
    if (args.rest.length > 0) throw new UsageError('browse takes no command after "--" (use `run -- chromium …` to run a browser yourself)');
    const url = pageUrl(args.positionals[0]!);
    const holdFor = forSeconds(stringOpt(args, 'for'));
    const scriptFile = stringOpt(args, 'script');
    let script: BrowserScript | undefined;
    try {
      script = scriptFile === undefined ? undefined : loadBrowserScript(scriptFile);
    } catch (err) {
      if (err instanceof BrowserScriptError) throw new ConfigError(err.message);
      throw err;
    }
    const capture = captureSettings(args);
    const command = headlessBrowserCommand(browserCommand(stringOpt(args, 'browser'), io.env));
    // The tracer is opt-in for browsers: Chromium's resolver checks IPv6 reachability with a UDP
    // connect() to a public address (no packet is sent), which the tracer cannot tell from a bypass.
    const mode = traceMode(args) === 'on' ? 'on' : 'off';
    // Never sealed: the DevTools pipe (fds 3/4) cannot pass the namespace helper (see LiveSession.create).
    if (sealedMode(args) === 'on') throw new ConfigError('--sealed cannot contain a browser (its DevTools pipe cannot pass the namespace helper); browse runs behind the proxy');
    const { trace } = traceFor(mode, io);
    const run = await AuditRun.fromArgs(args, io, [url.href], { keepPayload: printsPayloads(args), notes: [traceNote(trace)] });
    const session = await openLiveSession(args, io, command, BROWSER_STDIO, { captureOutput: true, trace: mode, sealed: 'off' });
    const live = await LiveAudit.startOn(session, run, io, { save: capture.save, har: capture.har, respond: capture.respond, label: 'telemetry-audit browse', origin: { kind: 'process', command: command[0]!, page: url.href } });

    const stop = new AbortController();
    const drive = await withInterruptHandler(
      () => {
        void live.status('interrupted: closing the browser (captures are kept)', true);
        stop.abort();
        void session.stop('interrupt');
      },
      async () => {
        await session.start();
        const result = await drivePage(session, { url: url.href, script, forSeconds: holdFor, status: (m) => void live.status(m), signal: stop.signal });
        await awaitBrowserExit(session);
        return result;
      },
    );
    const end = await session.done;
    await live.close();
    if (drive.failure) {
      const tail = session.output().stderr.trim().split('\n').slice(-3).join(' | ');
      await live.status(`${drive.failure}${end.target?.spawnError || end.target?.code ? ` (browser: ${tail || describeExit(command[0]!, end.target)})` : ''}`, true);
    }
    const outcome = liveOutcome({ audited: run.currentSummary().audited, requests: live.requests, trace: session.trace, target: end.target, directLoopback: end.directLoopback });
    // An unfinished drive cannot pass: what the page would have sent after the failed step is unknown.
    if (drive.failure && (outcome ? outcome.exitCode === EXIT.OK : run.auditExitCode() === EXIT.OK)) {
      return run.finish({ exitCode: EXIT.INCONCLUSIVE, conclusion: `INCONCLUSIVE: ${drive.failure}; what the page would have sent after that was not seen` });
    }
    return run.finish(outcome ?? undefined);
  },
};
