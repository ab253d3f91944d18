/**
 * Open the inspector on a terminal and return the exit code it quits with. Loaded only by
 * dynamic import, so commands that never show it never load React or Ink.
 */
import chalk from 'chalk';
import { render } from 'ink';
import type { CaptureFeed } from '../capture/capture-feed.js';
import type { CaptureLines } from '../capture/capture-lines.js';
import type { CaptureOrigin, CapturedRequest } from '../capture/captured-request.js';
import type { AuditRun } from '../cli/audit-run.js';
import type { CliIO } from '../cli/command.js';
import { TOOL_VERSION } from '../cli/version.js';
import { auditRequest, type RequestResult } from '../engine/audit-request.js';
import { colorEnabled } from '../report/style.js';
import { App } from './components/App.js';
import { sessionFiles } from './effects/session-files.js';
import type { DetailSource } from './render/detail-lines.js';
import { inspectorVerdict } from './state/exit-code.js';
import type { OptoutState } from './state/optout-matrix.js';
import type { InspectorStore } from './state/store.js';
import { startFeed } from './sources/feed-source.js';
import type { AuditSummary } from '../engine/summary.js';
import { toSummary } from './state/counts.js';
import { connectionResult } from '../live/connection-result.js';
import { inspectorStore, startReplaySession, type StartedReplay } from './replay-session.js';
import { installOutputCache } from './render/ink-output-cache.js';

export type InspectorSource =
  | { kind: 'replay'; requests: AsyncIterable<CapturedRequest | CaptureLines> }
  /** A replay started before the UI was loaded (startReplaySession), with its store. */
  | { kind: 'started'; session: StartedReplay }
  /** `origin` labels connection results (a bypass has no request to take one from). */
  | {
      kind: 'feed';
      feed: CaptureFeed;
      origin?: CaptureOrigin;
      /** Called once the inspector listens, so nothing the feed sends is missed (starts a live target). */
      start?: () => Promise<void>;
      /**
       * What a live run concludes when it audited nothing (nothing sent with a tracer watching,
       * or inconclusive): overrides "nothing audited", as for `run`.
       */
      conclude?: (summary: AuditSummary) => Promise<{ exitCode: number; conclusion: string } | null>;
    };

export interface RunInspectorOptions {
  io: CliIO;
  /** The terminal keys are read from (stdin, or /dev/tty when stdin carries data). */
  keys: NodeJS.ReadStream;
  run: AuditRun;
  label: string;
  inputs: string[];
  source: InspectorSource;
  /** An opt-out run: its matrix starts empty and the runner fills it through `onStore`. */
  optout?: OptoutState;
  /** Threads a replay is audited on (`--jobs`; default 1). */
  jobs?: number;
  /** Called with the store before the first frame, for a runner that dispatches into it. */
  onStore?: (store: InspectorStore) => void;
}

const ALT_SCREEN_ON = '\u001b[?1049h';
const ALT_SCREEN_OFF = '\u001b[?1049l';

/** The detail pane needs the parsed payload; results are kept without it, so decode again (cached). */
export function detailSource(run: Pick<AuditRun, 'compiled' | 'auditOptions' | 'policy'> & Partial<Pick<AuditRun, 'withBaselines'>>, size = 64): DetailSource {
  const cache = new Map<RequestResult, RequestResult>();
  return {
    withPayload(result) {
      if (result.payload !== undefined || result.bodyText !== undefined) return result;
      let full = cache.get(result);
      if (!full) {
        full = auditRequest(result.request, run.compiled, { ...run.auditOptions, keepPayload: true });
        // Judged again for its payload: approvals must show as the list showed them.
        if (run.withBaselines) full = run.withBaselines(full);
        cache.set(result, full);
        if (cache.size > size) cache.delete(cache.keys().next().value!);
      }
      return full;
    },
    sampleOf(kind) {
      return run.policy.kinds.find((k) => k.id === kind)?.sample;
    },
  };
}

export async function runInspector(opts: RunInspectorOptions): Promise<number> {
  const { io, run } = opts;
  const stdout = io.stdout as NodeJS.WriteStream;
  const store = opts.source.kind === 'started' ? opts.source.session.store : inspectorStore(io, opts.label, opts.source.kind === 'feed', opts.optout);
  opts.onStore?.(store);
  const files = sessionFiles({
    dir: io.cwd,
    policy: run.policy,
    toolVersion: TOOL_VERSION,
    inputs: opts.inputs,
    showEvidence: run.settings.showEvidence,
    maxWarnings: run.settings.maxWarnings,
    notes: run.notes,
  });
  const audit = (r: CapturedRequest) => run.withBaselines(run.audit(r));
  let stopSource: () => Promise<void> = async () => {};

  const color = colorEnabled(io.env, true);
  // Ink colours through chalk, which reads any CI variable (even CI=false) as a CI without
  // colour; the decision to show the UI on this terminal has been made, so colour follows it.
  if (color && chalk.level === 0) chalk.level = 1;
  await installOutputCache();
  const restoreScreen = () => stdout.write(ALT_SCREEN_OFF);
  stdout.write(ALT_SCREEN_ON);
  process.once('exit', restoreScreen);
  const instance = render(
    <App
      store={store}
      detail={detailSource(run)}
      effects={{ save: files.save, report: files.report, beforeQuit: () => stopSource() }}
      policyName={run.policy.name}
      maxWarnings={run.settings.maxWarnings}
      color={color}
    />,
    { stdout, stdin: opts.keys, stderr: io.stderr as NodeJS.WriteStream, exitOnCtrlC: false, patchConsole: false, maxFps: 60 },
  );
  // Killed from outside (SIGTERM, a closed terminal): leave as `q` does, terminal restored.
  const onSignal = () => instance.unmount();
  const signals = ['SIGTERM', 'SIGHUP', 'SIGINT'] as const;
  for (const sig of signals) process.on(sig, onSignal);
  if (opts.source.kind !== 'feed') {
    const { replay } = opts.source.kind === 'started' ? opts.source.session : startReplaySession(io, run, opts.label, opts.source.requests, opts.jobs, store);
    stopSource = async () => replay.cancel();
  } else {
    const origin = opts.source.origin ?? { kind: 'process' as const };
    const feed = startFeed(opts.source.feed, { audit, connection: (e) => connectionResult(e, run.compiled, origin) }, store.dispatch);
    stopSource = () => feed.stop();
    await opts.source.start?.();
  }
  try {
    await instance.waitUntilExit();
  } finally {
    await stopSource().catch(() => {});
    instance.cleanup();
    restoreScreen();
    process.off('exit', restoreScreen);
    for (const sig of signals) process.off(sig, onSignal);
  }
  const final = store.getState();
  const c = final.counts;
  const outcome = opts.source.kind === 'feed' && !final.source.error ? ((await opts.source.conclude?.(toSummary(c))) ?? null) : null;
  if (outcome) {
    stdout.write(`telemetry-audit inspect: ${c.requests} requests (${c.audited} audited, ${c.skipped} skipped): ${outcome.conclusion} (exit ${outcome.exitCode})\n`);
    return outcome.exitCode;
  }
  const verdict = inspectorVerdict(final, run.settings.maxWarnings);
  stdout.write(
    `telemetry-audit inspect: ${c.requests} requests (${c.audited} audited, ${c.skipped} skipped), ${c.errors} errors, ${c.warnings} warnings: ${verdict.label} (exit ${verdict.code})\n`,
  );
  return verdict.code;
}
