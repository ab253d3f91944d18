/**
 * The opt-out runner: every scenario of a pack against one command, each in its own temporary
 * HOME (with XDG directories) and working directory, all from the same start state, side by
 * side up to a concurrency limit. The user's real HOME is never handed to a target. Scenarios
 * are judged one by one (`judge`) and the run as a whole (`verdictOf`).
 */
import { setMaxListeners } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { FeedEvent } from '../capture/capture-feed.js';
import { LiveSetupError } from '../live/live-session.js';
import { resolveCommand } from '../live/run-target.js';
import type { LoadedPack } from './load-pack.js';
import { judge, verdictOf, withControl, type Observation, type OptoutMatrix, type ScenarioRowReport } from './matrix.js';
import type { Scenario } from './pack-schema.js';
import { planScenario, PlanError, type ScenarioPlan } from './plan-scenario.js';
import { runScenario, type ScenarioPhase, type ScenarioRunOptions } from './run-scenario.js';

/** Most scenarios at once when neither the pack nor the user says: they mostly wait. */
export const DEFAULT_CONCURRENCY = 16;

export interface OptoutEvents {
  begin?(scenarios: readonly Scenario[]): void;
  progress?(scenario: string, phase: ScenarioPhase, detail: { fraction?: number; message?: string }): void;
  outcome?(row: ScenarioRowReport): void;
  /** Requests and connection attempts as they arrive (a live view audits them itself). */
  forward?(event: FeedEvent): void;
}

/** Capture and audit settings every scenario of the run shares. */
export interface OptoutRunOptions extends Pick<ScenarioRunOptions, 'trace' | 'traceLoopback' | 'respond' | 'nodePreload' | 'policy' | 'audit' | 'report' | 'browser'> {
  loaded: LoadedPack;
  /** The target command line, with {{optout}} where scenario arguments go and any {{canary}}. */
  command: readonly string[];
  /** The environment scenarios start from (HOME and XDG are replaced per scenario). */
  baseEnv: NodeJS.ProcessEnv;
  canary: string;
  /** Overrides every quiet window (cli) or observation period (server), in seconds. */
  windowSeconds?: number;
  /** The user's limit; the pack's own limit, when lower, wins. */
  concurrency?: number;
  events?: OptoutEvents;
  /** Where scenario directories go (default: the system temp dir). */
  tmpDir?: string;
  /** The directory relative paths in the command were given against (the user's). */
  commandCwd: string;
}

export class OptoutRunError extends Error {
  override name = 'OptoutRunError';
}

/**
 * The kernel's range for ephemeral ports (what listen(0) hands out), where it can be read.
 * Scenario ports are chosen below it: every scenario's proxy listens on port 0 at the same
 * moment, and a port probed free in the ephemeral range could be taken by one of them before
 * the target binds it.
 */
function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low && high && low > 2048) return [low, high];
  } catch {
    // Not Linux, or not readable: assume the IANA dynamic range.
  }
  return [49152, 65535];
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free loopback TCP port for {{port}}, outside the ephemeral range and not in `taken`. */
export async function freePort(taken: Set<number> = new Set()): Promise<number> {
  const [ephemeralLow] = ephemeralRange();
  const low = Math.max(1024, ephemeralLow - 12_000);
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = low + Math.floor(Math.random() * (ephemeralLow - low));
    if (taken.has(port) || !(await canBind(port))) continue;
    taken.add(port);
    return port;
  }
  throw new OptoutRunError(`no free loopback port found between ${low} and ${ephemeralLow - 1} for {{port}}`);
}

/**
 * Scenarios run in their own working directory, so a relative path in the command (a script,
 * `./tool`) is made absolute against the user's directory when it names something there. Only
 * arguments with a "/" are paths: `build` stays a word even if a directory has that name.
 */
export function absoluteCommand(command: readonly string[], cwd: string): string[] {
  return command.map((arg) => {
    if (!arg.includes('/') || path.isAbsolute(arg) || arg.includes('{{')) return arg;
    const abs = path.resolve(cwd, arg);
    return existsSync(abs) ? abs : arg;
  });
}

export function effectiveConcurrency(packLimit: number | undefined, userLimit: number | undefined, scenarios: number): number {
  return Math.max(1, Math.min(packLimit ?? Infinity, userLimit ?? DEFAULT_CONCURRENCY, scenarios));
}

export class OptoutRunner {
  private readonly abort = new AbortController();
  readonly concurrency: number;

  constructor(private readonly opts: OptoutRunOptions) {
    this.concurrency = effectiveConcurrency(opts.loaded.pack.concurrency, opts.concurrency, opts.loaded.pack.scenarios.length);
    // Every running scenario listens for the interrupt.
    setMaxListeners(this.concurrency + 10, this.abort.signal);
  }

  /** Stop every running scenario (their captures are kept) and start no more. */
  interrupt(): void {
    this.abort.abort();
  }

  get interrupted(): boolean {
    return this.abort.signal.aborted;
  }

  /** Plan every scenario up front: a pack that cannot be applied fails before anything runs. */
  private async plans(root: string): Promise<ScenarioPlan[]> {
    const { pack } = this.opts.loaded;
    const baseEnv: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.opts.baseEnv)) if (v !== undefined) baseEnv[k] = v;
    const plans: ScenarioPlan[] = [];
    // Each scenario its own {{port}}: servers side by side must not collide.
    const ports = new Set<number>();
    for (const [i, scenario] of pack.scenarios.entries()) {
      const dir = path.join(root, `${String(i + 1).padStart(2, '0')}-${scenario.name}`);
      const home = path.join(dir, 'home');
      const cwd = path.join(dir, 'work');
      mkdirSync(home, { recursive: true });
      mkdirSync(cwd, { recursive: true });
      try {
        const plan = planScenario(pack, scenario, { home, cwd, command: absoluteCommand(this.opts.command, this.opts.commandCwd), baseEnv, canary: this.opts.canary, port: await freePort(ports) });
        if (this.opts.windowSeconds !== undefined) {
          plan.quietWindowSeconds = this.opts.windowSeconds;
          plan.observeSeconds = this.opts.windowSeconds;
        }
        plans.push(plan);
      } catch (err) {
        if (err instanceof PlanError) throw new OptoutRunError(`scenario ${scenario.name}: ${err.message}`);
        throw err;
      }
    }
    const first = plans[0]!;
    try {
      resolveCommand(first.argv[0]!, first.env, first.cwd);
    } catch (err) {
      throw new OptoutRunError((err as Error).message);
    }
    return plans;
  }

  async run(): Promise<OptoutMatrix> {
    const { loaded, events } = this.opts;
    const { pack } = loaded;
    const started = Date.now();
    const root = mkdtempSync(path.join(this.opts.tmpDir ?? os.tmpdir(), 'ta-optout-'));
    // Each live session's CA removes its files on exit as a last resort: one listener per scenario running.
    const maxListeners = process.getMaxListeners();
    process.setMaxListeners(maxListeners + this.concurrency);
    const rows: Array<ScenarioRowReport | undefined> = [];
    const observations: Array<Observation | undefined> = [];
    let traced: { active: boolean; reason?: string } | null = null;
    try {
      const plans = await this.plans(root);
      events?.begin?.(pack.scenarios);
      let next = 0;
      let setupError: unknown = null;
      const worker = async (): Promise<void> => {
        while (next < plans.length && setupError === null) {
          const i = next++;
          const plan = plans[i]!;
          const name = plan.scenario.name;
          if (this.abort.signal.aborted) {
            rows[i] = this.row(plan, judgeNever(plan, pack.target.kind), [], 0);
            events?.outcome?.(rows[i]!);
            continue;
          }
          try {
            const r = await runScenario({
              plan,
              kind: pack.target.kind,
              trace: this.opts.trace,
              traceLoopback: this.opts.traceLoopback,
              respond: this.opts.respond,
              nodePreload: this.opts.nodePreload,
              ...(this.opts.browser !== undefined ? { browser: this.opts.browser } : {}),
              policy: this.opts.policy,
              audit: this.opts.audit,
              report: this.opts.report,
              ...(events?.forward ? { forward: events.forward } : {}),
              ...(events?.progress ? { progress: (phase, detail) => events.progress!(name, phase, detail) } : {}),
              signal: this.abort.signal,
            });
            traced ??= { active: r.observation.traced };
            observations[i] = r.observation;
            const j = judge(r.observation);
            rows[i] = { ...this.row(plan, j, r.rules, r.durationMs), ...pickCounts(r.observation), exit: r.observation.exit, probes: r.observation.probes };
            events?.outcome?.(rows[i]!);
          } catch (err) {
            // A set-up fault (CA, proxy, tracer) is the same for every scenario: stop them all.
            setupError = err;
            this.abort.abort();
          }
        }
      };
      await Promise.all(Array.from({ length: this.concurrency }, () => worker()));
      if (setupError) throw setupError instanceof LiveSetupError ? new OptoutRunError(setupError.message) : setupError;
    } finally {
      process.setMaxListeners(maxListeners);
      rmSync(root, { recursive: true, force: true });
    }
    this.rejudgeAgainstControl(rows, observations);
    const done = withControl(rows.filter((r): r is ScenarioRowReport => r !== undefined));
    const slowest = done.reduce<ScenarioRowReport | null>((a, b) => (a && a.durationMs >= b.durationMs ? a : b), null);
    return {
      pack: { name: pack.name, title: pack.title, origin: loaded.origin },
      target: pack.target.kind,
      command: this.opts.command.join(' '),
      trace: traced ?? { active: false },
      concurrency: this.concurrency,
      scenarios: done,
      verdict: verdictOf(done),
      timing: { wallMs: Date.now() - started, slowestMs: slowest?.durationMs ?? 0, slowest: slowest?.name ?? '' },
    };
  }

  /**
   * A CLI control that sent and exited non-zero shows that exit code is how this command ends:
   * scenarios that ended the same way are judged again with that knowledge (and re-announced).
   */
  private rejudgeAgainstControl(rows: Array<ScenarioRowReport | undefined>, observations: Array<Observation | undefined>): void {
    const c = rows.findIndex((r) => r?.control);
    const control = observations[c];
    if (!control || rows[c]!.outcome !== 'sent' || control.kind !== 'cli') return;
    const code = control.exit?.code;
    if (code === undefined || code === null || code === 0 || control.exit?.stoppedBy !== null) return;
    rows.forEach((row, i) => {
      const o = observations[i];
      if (!row || !o || i === c || o.exit?.code !== code) return;
      const j = judge(o, { normalExitCode: code });
      if (j.outcome === row.outcome && j.status === row.status) return;
      rows[i] = { ...row, outcome: j.outcome, status: j.status, proxyOnly: j.proxyOnly, note: j.note };
      this.opts.events?.outcome?.(rows[i]!);
    });
  }

  private row(plan: ScenarioPlan, j: ReturnType<typeof judge>, rules: string[], durationMs: number): ScenarioRowReport {
    const s = plan.scenario;
    return {
      name: s.name,
      ...(s.title !== undefined ? { title: s.title } : {}),
      expect: plan.expect,
      informational: plan.informational,
      control: plan.control,
      outcome: j.outcome,
      status: j.status,
      proxyOnly: j.proxyOnly,
      requests: 0,
      loopback: 0,
      bypasses: 0,
      errors: 0,
      warnings: 0,
      rules,
      probes: [],
      exit: null,
      durationMs,
      note: j.note,
    };
  }
}

function pickCounts(o: { requests: number; loopback: number; bypasses: number; errors: number; warnings: number }) {
  return { requests: o.requests, loopback: o.loopback, bypasses: o.bypasses, errors: o.errors, warnings: o.warnings };
}

/** A scenario the run never started (interrupted first). */
function judgeNever(plan: ScenarioPlan, kind: 'cli' | 'server') {
  return judge({
    kind,
    expect: plan.expect,
    informational: plan.informational,
    control: plan.control,
    requests: 0,
    loopback: 0,
    bypasses: 0,
    errors: 0,
    warnings: 0,
    exit: null,
    stoppedFor: 'interrupt',
    traced: false,
    stderr: '',
    probes: [],
  });
}
