/**
 * One scenario of an opt-out run, for real: its own live capture (proxy, CA, tracer) around the
 * target started as the plan says, every request audited and attributed to the scenario, and
 * the timing of the pack: a CLI is watched until it exits and the quiet window has passed, a
 * server for its observation period (probes run meanwhile); a `suppress` scenario ends at its
 * first request. What was seen comes back as an Observation for `judge`.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CaptureOrigin, CapturedRequest } from '../capture/captured-request.js';
import type { RequestResult } from '../engine/audit-request.js';
import type { CompiledPolicy } from '../engine/compiled-policy.js';
import type { NodePreload } from '../live/child-env.js';
import { connectionResult } from '../live/connection-result.js';
import type { FakeResponse } from '../live/fake-response.js';
import { LiveSession, warmHostsOf, type TraceMode } from '../live/live-session.js';
import type { SealedMode } from '../live/sealed/sealed-target.js';
import type { DnsQuery, FeedEvent } from '../capture/capture-feed.js';
import { stderrTail, type Observation, type ProbeResult, type StepReport } from './matrix.js';
import type { PlannedStep, ScenarioPlan } from './plan-scenario.js';
import { runProbe, waitUntilReady } from './probe.js';
import { runBrowserCheck } from './browser-check.js';

export type ScenarioPhase = 'setup' | 'starting' | 'running' | 'quiet-window' | 'observing';

export interface ScenarioRunOptions {
  plan: ScenarioPlan;
  kind: 'cli' | 'server';
  trace: TraceMode;
  /** Each scenario sealed in its own namespace (`on`), or behind the proxy alone (default). */
  sealed?: SealedMode;
  traceLoopback: boolean;
  respond: FakeResponse;
  nodePreload: NodePreload;
  policy: CompiledPolicy;
  /** The audit engine, synchronous: the scenario must know at once whether a request counts. */
  audit: (request: CapturedRequest) => RequestResult;
  /** Every result of the scenario, in order, for the report. */
  report: (result: RequestResult) => void;
  /** Every captured request, labelled with its scenario and step (for --save/--har). */
  capture?: (request: CapturedRequest) => void;
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

/** The name the pack's own command has among a scenario's steps. */
export const TRIGGER_STEP = 'trigger';

/** Write the plan's files into the scenario's directories (created by the caller). */
export function writePlanFiles(plan: ScenarioPlan): void {
  for (const f of plan.files) {
    mkdirSync(path.dirname(f.path), { recursive: true });
    // A copied project may hard-link its files to the template: replace, never write through.
    rmSync(f.path, { force: true });
    writeFileSync(f.path, f.content, { mode: f.mode });
  }
}

export async function runScenario(opts: ScenarioRunOptions): Promise<ScenarioRun> {
  const { plan, kind } = opts;
  const name = plan.scenario.name;
  const started = Date.now();
  writePlanFiles(plan);

  const counts = { requests: 0, loopback: 0, bypasses: 0, errors: 0, warnings: 0 };
  const rules = new Set<string>();
  let stoppedFor: Observation['stoppedFor'] = null;
  let current: { session: LiveSession; over: boolean } | null = null;
  // A browser step closes its page when the scenario ends. With one, the observation period
  // starts once its steps have run: a slow browser start must not shorten how long the page (and
  // the server) are watched after the page was used.
  const browserOver = new AbortController();
  const browserWanted = plan.browser !== undefined && opts.browser !== undefined;
  const stop = (why: NonNullable<Observation['stoppedFor']>) => {
    if (stoppedFor !== null) return;
    stoppedFor = why;
    browserOver.abort();
    if (current && !current.over) void current.session.stop(why === 'interrupt' ? 'interrupt' : 'stop');
  };
  const onAbort = () => stop('interrupt');
  if (opts.signal?.aborted) onAbort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  /**
   * One live capture around one command of the scenario (a setup step or the trigger): every
   * request is labelled with the step, audited, and counted when the step is judged.
   */
  const open = async (step: { name: string; argv: string[]; env: Record<string, string>; omitEnv: readonly string[]; timeoutSeconds: number; quietMs: number; judged: boolean; sealed?: SealedMode }) => {
    const session = await LiveSession.create({
      command: step.argv,
      env: step.env,
      cwd: plan.cwd,
      trace: opts.trace,
      sealed: step.sealed ?? opts.sealed ?? 'off',
      traceLoopback: opts.traceLoopback,
      timeoutMs: step.timeoutSeconds * 1000,
      respond: opts.respond,
      nodePreload: opts.nodePreload,
      scenario: name,
      // Scenarios run side by side: one worker thread each would cost more than the little traffic they carry.
      proxyThread: false,
      quietWindowMs: step.quietMs,
      captureOutput: true,
      omitEnv: step.omitEnv,
      warmHosts: warmHostsOf(opts.policy.policy),
    });
    const origin: CaptureOrigin = { kind: 'process', command: step.argv.join(' '), scenario: name, step: step.name };
    const { tally, onEvent } = feed(step, origin);
    session.subscribe(onEvent);
    current = { session, over: false };
    return { session, tally };
  };

  /**
   * What one step's capture sends goes through here: labelled with the step, audited, reported,
   * and counted for the scenario when the step is judged (the trigger, and its browser step).
   */
  const dnsQueries: DnsQuery[] = [];
  const feed = (step: { name: string; judged: boolean }, origin: CaptureOrigin) => {
    const tally = { requests: 0, bypasses: 0 };
    const record = (result: RequestResult, counted: boolean) => {
      if (step.judged) {
        for (const f of result.findings) {
          if (f.severity === 'error') counts.errors++;
          else counts.warnings++;
          rules.add(f.rule);
        }
      }
      opts.report(result);
      // A suppress scenario that sends has answered its question: no need to wait any longer.
      if (counted && step.judged && plan.expect === 'suppress') stop('first-request');
    };
    const onEvent = (event: FeedEvent) => {
      if (event.type === 'request') {
        if (event.request.origin.kind === 'process') event.request.origin.step = step.name;
        opts.capture?.(event.request);
        opts.forward?.(event);
        const result = opts.audit(event.request);
        const skipped = result.verdict === 'skipped';
        if (skipped) {
          if (step.judged) counts.loopback++;
        } else {
          tally.requests++;
          if (step.judged) counts.requests++;
        }
        record(result, !skipped);
      } else if (event.type === 'status' && event.dns) {
        dnsQueries.push({ ...event.dns, ...(step.name !== TRIGGER_STEP ? { step: step.name } : {}) });
      } else if (event.type === 'connection') {
        opts.forward?.(event);
        const result = connectionResult(event, opts.policy, origin);
        if (!result) return;
        tally.bypasses++;
        if (step.judged) counts.bypasses++;
        record(result, true);
      }
    };
    return { tally, onEvent };
  };

  const exitOf = (e: Awaited<LiveSession['exited']>): Observation['exit'] =>
    e ? { code: e.code, signal: e.signal, stoppedBy: e.stoppedBy, ...(e.spawnError ? { spawnError: e.spawnError } : {}) } : null;

  const timers: NodeJS.Timeout[] = [];
  const ticker = (phase: ScenarioPhase, ms: number) => {
    const from = Date.now();
    opts.progress?.(phase, { fraction: 0 });
    if (!opts.progress || ms <= 0) return;
    const t = setInterval(() => opts.progress!(phase, { fraction: Math.min(1, (Date.now() - from) / ms) }), 250);
    timers.push(t);
  };

  const steps: StepReport[] = [];
  let setupFailure: string | undefined;
  const runStep = async (step: PlannedStep): Promise<void> => {
    const t0 = Date.now();
    opts.progress?.('setup', { message: `step ${step.name}: ${step.argv.join(' ')}` });
    const { session, tally } = await open({ ...step, quietMs: step.quietWindowSeconds * 1000 });
    try {
      await session.start();
      await session.done;
    } finally {
      current!.over = true;
    }
    const exit = exitOf(await session.exited);
    const tail = stderrTail(session.output().stderr);
    steps.push({ name: step.name, kind: step.kind, command: step.argv.join(' '), judged: step.judged, exit, requests: tally.requests, bypasses: tally.bypasses, durationMs: Date.now() - t0, stderrTail: tail });
    if (stoppedFor !== null) return;
    const how = !exit ? 'did not run' : exit.spawnError ? `could not be started: ${exit.spawnError}` : exit.stoppedBy === 'timeout' ? 'outlived its time limit' : exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
    const ok = exit !== null && !exit.spawnError && exit.stoppedBy === null && exit.signal === null && exit.code !== null && step.exitCodes.includes(exit.code);
    if (!ok) setupFailure = `setup step ${step.name} ${how}${exit?.code !== null && exit?.code !== undefined && !exit.spawnError ? ` (expected ${step.exitCodes.join(' or ')})` : ''}${tail.length > 0 ? `: "${tail.slice(-3).join(' | ')}"` : ''}`;
  };

  let browserResult: Promise<ProbeResult | null> = Promise.resolve(null);
  const browserStep = 'browser';
  const startBrowser = (onSettled: () => void) => {
    if (!browserWanted || current === null || current.over || stoppedFor !== null) return;
    const { onEvent } = feed({ name: browserStep, judged: true }, { kind: 'process', command: opts.browser!, scenario: name, step: browserStep });
    browserResult = runBrowserCheck({
      check: plan.browser!,
      browser: opts.browser!,
      env: plan.env,
      cwd: plan.cwd,
      scenario: name,
      respond: opts.respond,
      timeoutMs: plan.timeoutSeconds * 1000,
      onEvent,
      onSettled,
      signal: browserOver.signal,
    });
  };

  let probes: Promise<ProbeResult[]> = Promise.resolve([]);
  let readyAt: number | null = null;
  let exit: Observation['exit'] = null;
  let stderr = '';
  let triggerRan = false;
  try {
    for (const step of plan.steps) {
      await runStep(step);
      if (stoppedFor !== null || setupFailure !== undefined) break;
    }
    if (stoppedFor === null && setupFailure === undefined) {
      triggerRan = true;
      const t0 = Date.now();
      const quietMs = kind === 'cli' ? plan.quietWindowSeconds * 1000 : 0;
      // With a browser step the trigger is not sealed: the browser (never sealed: its DevTools pipe
      // cannot pass the namespace helper) loads the page the target serves, so both must share loopback.
      const { session, tally } = await open({ name: TRIGGER_STEP, argv: plan.argv, env: plan.env, omitEnv: plan.omitEnv, timeoutSeconds: plan.timeoutSeconds, quietMs, judged: true, ...(browserWanted ? { sealed: 'off' as const } : {}) });
      const isOver = () => current!.over || stoppedFor !== null;
      // A sealed server is reached through its namespace's door; otherwise directly on loopback.
      const inside = (port: number) => session.connectInside(port);
      opts.progress?.('starting', {});
      try {
        await session.start();
        if (kind === 'server') {
          const ms = plan.observeSeconds * 1000;
          let observing = false;
          const observeFor = () => {
            if (observing) return;
            observing = true;
            ticker('observing', ms);
            timers.push(setTimeout(() => stop('observed'), ms));
          };
          // With a browser step, the observation starts once the page's steps ran (onSettled).
          const observe = () => {
            if (browserWanted) startBrowser(observeFor);
            else observeFor();
          };
          if (plan.readyUrl === undefined) observe();
          else {
            // The clock starts once the server is up: a slow start-up (a loaded machine, a database
            // to reach) must not look like a server that stays silent. The timeout still bounds it.
            opts.progress?.('starting', { message: `waiting for ${plan.readyUrl}` });
            void waitUntilReady(plan.readyUrl, isOver, 200, inside).then((ready) => {
              if (ready && !isOver()) {
                readyAt = Date.now();
                observe();
              }
            });
          }
          probes = Promise.all(plan.probes.map((p) => runProbe(p, isOver, 200, inside)));
        } else {
          opts.progress?.('running', {});
          void session.exited.then((e) => {
            if (e && e.stoppedBy === null && stoppedFor === null) ticker('quiet-window', plan.quietWindowSeconds * 1000);
          });
        }
        await session.done;
      } finally {
        current!.over = true;
      }
      exit = exitOf(await session.exited);
      stderr = session.output().stderr;
      if (plan.steps.length > 0) {
        steps.push({ name: TRIGGER_STEP, kind: 'run', command: plan.argv.join(' '), judged: true, exit, requests: tally.requests, bypasses: tally.bypasses, durationMs: Date.now() - t0, stderrTail: stderrTail(stderr) });
      }
    }
  } finally {
    browserOver.abort();
    for (const t of timers) clearTimeout(t);
    opts.signal?.removeEventListener('abort', onAbort);
  }
  const browserProbe = await browserResult;
  const probeResults = [...(await probes), ...(browserProbe ? [browserProbe] : [])];
  if (exit?.stoppedBy === 'timeout' && stoppedFor === null) stoppedFor = 'timeout';

  return {
    observation: {
      kind,
      expect: plan.expect,
      informational: plan.informational,
      control: plan.control,
      ...counts,
      exit: triggerRan ? exit : (steps.at(-1)?.exit ?? null),
      stoppedFor,
      // Sealed, nothing can bypass the proxy: a silence is as proven as under the tracer.
      traced: current ? (current as { session: LiveSession }).session.trace.active || (current as { session: LiveSession }).session.containment === 'sealed' : false,
      stderr,
      ...(plan.scenario.refusal?.stderr !== undefined ? { refusalPattern: plan.scenario.refusal.stderr } : {}),
      probes: probeResults,
      exitCodes: plan.exitCodes,
      exitCodesGiven: plan.exitCodesGiven,
      ...(kind === 'server' && plan.readyUrl !== undefined ? { ready: readyAt !== null } : {}),
      ...(steps.length > 0 ? { steps } : {}),
      ...(setupFailure !== undefined ? { setupFailure } : {}),
      ...(!triggerRan ? { triggerRan: false } : {}),
      ...(dnsQueries.length > 0 ? { dnsQueries } : {}),
    },
    rules: [...rules].sort(),
    durationMs: Date.now() - started,
  };
}
