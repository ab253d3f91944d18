/**
 * One scenario of an opt-out run, for real: its own live capture (proxy, CA, tracer) around the
 * target started as the plan says, every request audited and attributed to the scenario, and
 * the timing of the pack: a CLI is watched until it exits and the quiet window has passed, a
 * server for its observation period (probes run meanwhile); a `suppress` scenario ends at its
 * first request. What was seen comes back as an Observation for `judge`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CaptureOrigin, CapturedRequest } from '../capture/captured-request.js';
import type { RequestResult } from '../engine/audit-request.js';
import type { CompiledPolicy } from '../engine/compiled-policy.js';
import type { NodePreload } from '../live/child-env.js';
import { connectionResult } from '../live/connection-result.js';
import type { FakeResponse } from '../live/fake-response.js';
import { LiveSession, type TraceMode } from '../live/live-session.js';
import type { FeedEvent } from '../capture/capture-feed.js';
import type { Observation, ProbeResult } from './matrix.js';
import type { ScenarioPlan } from './plan-scenario.js';
import { runProbe, waitUntilReady } from './probe.js';
import { runBrowserCheck } from './browser-check.js';

export type ScenarioPhase = 'starting' | 'running' | 'quiet-window' | 'observing';

export interface ScenarioRunOptions {
  plan: ScenarioPlan;
  kind: 'cli' | 'server';
  trace: TraceMode;
  traceLoopback: boolean;
  respond: FakeResponse;
  nodePreload: NodePreload;
  policy: CompiledPolicy;
  /** The audit engine, synchronous: the scenario must know at once whether a request counts. */
  audit: (request: CapturedRequest) => RequestResult;
  /** Every result of the scenario, in order, for the report. */
  report: (result: RequestResult) => void;
  /** Raw feed events (requests and connection attempts), for a live view. */
  forward?: (event: FeedEvent) => void;
  progress?: (phase: ScenarioPhase, detail: { fraction?: number; message?: string }) => void;
  /** The Chromium-family browser for scenarios' browser steps; without it they are not run. */
  browser?: string;
  /** Aborted: stop the target and end the scenario at once. */
  signal?: AbortSignal;
}

export interface ScenarioRun {
  observation: Observation;
  rules: string[];
  durationMs: number;
}

/** Write the plan's files into the scenario's directories (created by the caller). */
export function writePlanFiles(plan: ScenarioPlan): void {
  for (const f of plan.files) {
    mkdirSync(path.dirname(f.path), { recursive: true });
    writeFileSync(f.path, f.content, { mode: f.mode });
  }
}

export async function runScenario(opts: ScenarioRunOptions): Promise<ScenarioRun> {
  const { plan, kind } = opts;
  const name = plan.scenario.name;
  const started = Date.now();
  writePlanFiles(plan);

  const session = await LiveSession.create({
    command: plan.argv,
    env: plan.env,
    cwd: plan.cwd,
    trace: opts.trace,
    traceLoopback: opts.traceLoopback,
    timeoutMs: plan.timeoutSeconds * 1000,
    respond: opts.respond,
    nodePreload: opts.nodePreload,
    scenario: name,
    // Scenarios run side by side: one worker thread each would cost more than the little traffic they carry.
    proxyThread: false,
    quietWindowMs: kind === 'cli' ? plan.quietWindowSeconds * 1000 : 0,
    captureOutput: true,
  });

  const origin: CaptureOrigin = { kind: 'process', command: plan.argv.join(' '), scenario: name };
  const counts = { requests: 0, loopback: 0, bypasses: 0, errors: 0, warnings: 0 };
  const rules = new Set<string>();
  let stoppedFor: Observation['stoppedFor'] = null;
  let over = false;
  // A browser step closes its page when the scenario ends. With one, the observation period
  // starts once its steps have run: a slow browser start must not shorten how long the page (and
  // the server) are watched after the page was used.
  const browserOver = new AbortController();
  const browserWanted = plan.browser !== undefined && opts.browser !== undefined;
  const stop = (why: NonNullable<Observation['stoppedFor']>) => {
    if (stoppedFor !== null || over) return;
    stoppedFor = why;
    browserOver.abort();
    void session.stop(why === 'interrupt' ? 'interrupt' : 'stop');
  };

  const tally = (result: RequestResult, counted: boolean) => {
    for (const f of result.findings) {
      if (f.severity === 'error') counts.errors++;
      else counts.warnings++;
      rules.add(f.rule);
    }
    opts.report(result);
    // A suppress scenario that sends has answered its question: no need to wait any longer.
    if (counted && plan.expect === 'suppress') stop('first-request');
  };
  const onEvent = (event: FeedEvent) => {
    if (event.type === 'request') {
      opts.forward?.(event);
      const result = opts.audit(event.request);
      const skipped = result.verdict === 'skipped';
      if (skipped) counts.loopback++;
      else counts.requests++;
      tally(result, !skipped);
    } else if (event.type === 'connection') {
      opts.forward?.(event);
      const result = connectionResult(event, opts.policy, origin);
      if (!result) return;
      counts.bypasses++;
      tally(result, true);
    }
  };
  session.subscribe(onEvent);
  let observing = false;
  const observeFor = (ms: number) => {
    if (observing) return;
    observing = true;
    ticker('observing', ms);
    timers.push(setTimeout(() => stop('observed'), ms));
  };
  let browserResult: Promise<ProbeResult | null> = Promise.resolve(null);
  const startBrowser = () => {
    if (!browserWanted || over || stoppedFor !== null) return;
    browserResult = runBrowserCheck({
      check: plan.browser!,
      browser: opts.browser!,
      env: plan.env,
      cwd: plan.cwd,
      scenario: name,
      respond: opts.respond,
      timeoutMs: plan.timeoutSeconds * 1000,
      onEvent,
      onSettled: () => observeFor(plan.observeSeconds * 1000),
      signal: browserOver.signal,
    });
  };

  const onAbort = () => stop('interrupt');
  if (opts.signal?.aborted) onAbort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  const timers: NodeJS.Timeout[] = [];
  const ticker = (phase: ScenarioPhase, ms: number) => {
    const from = Date.now();
    opts.progress?.(phase, { fraction: 0 });
    if (!opts.progress || ms <= 0) return;
    const t = setInterval(() => opts.progress!(phase, { fraction: Math.min(1, (Date.now() - from) / ms) }), 250);
    timers.push(t);
  };

  opts.progress?.('starting', {});
  let probes: Promise<ProbeResult[]> = Promise.resolve([]);
  try {
    await session.start();
    if (kind === 'server') {
      const ms = plan.observeSeconds * 1000;
      const observe = () => {
        if (browserWanted) startBrowser();
        else observeFor(ms);
      };
      if (plan.readyUrl === undefined) observe();
      else {
        // The clock starts once the server is up: a slow start-up (a loaded machine, a database
        // to reach) must not look like a server that stays silent. The timeout still bounds it.
        opts.progress?.('starting', { message: `waiting for ${plan.readyUrl}` });
        void waitUntilReady(plan.readyUrl, () => over || stoppedFor !== null).then((ready) => {
          if (ready && !over && stoppedFor === null) observe();
        });
      }
      probes = Promise.all(plan.probes.map((p) => runProbe(p, () => over || stoppedFor !== null)));
    } else {
      opts.progress?.('running', {});
      void session.exited.then((exit) => {
        if (exit && exit.stoppedBy === null && stoppedFor === null) ticker('quiet-window', plan.quietWindowSeconds * 1000);
      });
    }
    await session.done;
  } finally {
    over = true;
    browserOver.abort();
    for (const t of timers) clearTimeout(t);
    opts.signal?.removeEventListener('abort', onAbort);
  }
  const exitInfo = await session.exited;
  const stderr = session.output().stderr;
  const browserProbe = await browserResult;
  const probeResults = [...(await probes), ...(browserProbe ? [browserProbe] : [])];
  const exit = exitInfo
    ? { code: exitInfo.code, signal: exitInfo.signal, stoppedBy: exitInfo.stoppedBy, ...(exitInfo.spawnError ? { spawnError: exitInfo.spawnError } : {}) }
    : null;
  if (exit?.stoppedBy === 'timeout' && stoppedFor === null) stoppedFor = 'timeout';

  return {
    observation: {
      kind,
      expect: plan.expect,
      informational: plan.informational,
      control: plan.control,
      ...counts,
      exit,
      stoppedFor,
      traced: session.trace.active,
      stderr,
      ...(plan.scenario.refusal?.stderr !== undefined ? { refusalPattern: plan.scenario.refusal.stderr } : {}),
      probes: probeResults,
    },
    rules: [...rules].sort(),
    durationMs: Date.now() - started,
  };
}
