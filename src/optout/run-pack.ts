/**
 * The opt-out runner: every scenario of a pack against one command, each in its own temporary
 * HOME (with XDG directories) and working directory, all from the same start state, side by
 * side up to a concurrency limit. The user's real HOME is never handed to a target. Scenarios
 * are judged one by one (`judge`) and the run as a whole (`verdictOf`).
 */
import { setMaxListeners } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { FeedEvent } from '../capture/capture-feed.js';
import { LiveSetupError } from '../live/live-session.js';
import { resolveCommand } from '../live/run-target.js';
import type { LoadedPack } from './load-pack.js';
import { judge, stderrTail, verdictOf, withControl, type Observation, type OptoutMatrix, type ScenarioRowReport, type StepReport } from './matrix.js';
import type { Scenario } from './pack-schema.js';
import { planScenario, PlanError, type ScenarioPlan } from './plan-scenario.js';
import { copyProject, ProjectError, projectTemplate } from './project-copy.js';
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
export interface OptoutRunOptions extends Pick<ScenarioRunOptions, 'trace' | 'sealed' | 'traceLoopback' | 'respond' | 'nodePreload' | 'policy' | 'audit' | 'report' | 'capture' | 'browser'> {
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
  /**
   * An empty directory made for this run (`makeRunRoot`) to hold the scenario directories: the
   * caller knows their paths before the run (`scenarioDirs`) and searches for them. Removed at the end.
   */
  root?: string;
  /** The directory relative paths in the command were given against (the user's). */
  commandCwd: string;
  /** --project: the template when the pack has a project without one (default: commandCwd). */
  projectDir?: string;
}

/** A fresh directory for one run's scenario directories. */
export function makeRunRoot(tmpDir: string = os.tmpdir()): string {
  return mkdtempSync(path.join(tmpDir, 'ta-optout-'));
}

/** Each scenario's HOME and working directory under the run's root, in pack order. */
export function scenarioDirs(root: string, scenarios: readonly Scenario[]): Array<{ name: string; home: string; cwd: string }> {
  return scenarios.map((scenario, i) => {
    const dir = path.join(root, `${String(i + 1).padStart(2, '0')}-${scenario.name}`);
    return { name: scenario.name, home: path.join(dir, 'home'), cwd: path.join(dir, 'work') };
  });
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
 * `./tool`, `trigger.mjs`) is made absolute against the user's directory when it names something
 * there: an argument with a "/" that exists, or a bare name that is a regular file (so `build`
 * stays a word even if a directory has that name). The command itself (argv[0]) without a "/"
 * is looked up in PATH, never here; options (`-x`, `--flag=value`) are left alone.
 */
export function absoluteCommand(command: readonly string[], cwd: string): string[] {
  return command.map((arg, i) => {
    if (arg === '' || path.isAbsolute(arg) || arg.includes('{{') || arg.startsWith('-')) return arg;
    const abs = path.resolve(cwd, arg);
    if (arg.includes('/')) return existsSync(abs) ? abs : arg;
    if (i === 0) return arg;
    try {
      return statSync(abs).isFile() ? abs : arg;
    } catch {
      return arg;
    }
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
    let template: string | null = null;
    if (pack.project) {
      try {
        template = projectTemplate(pack.project, this.opts.loaded.baseDir, path.resolve(this.opts.commandCwd, this.opts.projectDir ?? '.'));
      } catch (err) {
        if (err instanceof ProjectError) throw new OptoutRunError(err.message);
        throw err;
      }
    }
    const resolveArgs = (argv: string[]) => absoluteCommand(argv, this.opts.commandCwd);
    const dirs = scenarioDirs(root, pack.scenarios);
    for (const [i, scenario] of pack.scenarios.entries()) {
      const { home, cwd } = dirs[i]!;
      mkdirSync(home, { recursive: true });
      const binDirs = template && pack.project ? copyProject(template, cwd, pack.project) : [];
      mkdirSync(cwd, { recursive: true });
      try {
        const plan = planScenario(pack, scenario, { home, cwd, command: resolveArgs([...this.opts.command]), baseEnv, canary: this.opts.canary, port: await freePort(ports), binDirs, resolveArgs });
        const omitted = [...plan.omitEnv, ...plan.steps.flatMap((st) => st.omitEnv)];
        if (omitted.length > 0 && this.opts.nodePreload === 'off' && (this.opts.sealed ?? 'off') === 'off') {
          throw new OptoutRunError(
            `scenario ${scenario.name}: the pack unsets ${[...new Set(omitted)].join(', ')}, so only the Node preload (or sealed mode) could capture, and --node-preload is off: refusing to run a scenario nothing would watch`,
          );
        }
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
      for (const plan of plans) for (const step of plan.steps) resolveCommand(step.argv[0]!, step.env, plan.cwd);
    } catch (err) {
      throw new OptoutRunError((err as Error).message);
    }
    return plans;
  }

  async run(): Promise<OptoutMatrix> {
    const { loaded, events } = this.opts;
    const { pack } = loaded;
    const started = Date.now();
    const root = this.opts.root ?? makeRunRoot(this.opts.tmpDir);
    // Each live session's CA removes its files on exit as a last resort: one listener per scenario running.
    const maxListeners = process.getMaxListeners();
    process.setMaxListeners(maxListeners + this.concurrency);
    const rows: Array<ScenarioRowReport | undefined> = [];
    const observations: Array<Observation | undefined> = [];
    let traced: { active: boolean; reason?: string } | null = null;
    const announced = new Set<number>();
    let controlIndex = -1;
    try {
      const plans = await this.plans(root);
      events?.begin?.(pack.scenarios);
      let next = 0;
      let setupError: unknown = null;
      // A row is announced once it is final, which depends on the control (a control that did
      // not send makes every silent pass inconclusive; its exit code is how the command ends):
      // progress lines then always agree with the matrix.
      controlIndex = plans.findIndex((p) => p.control);
      const announce = (i: number): void => {
        const control = rows[controlIndex];
        if (controlIndex >= 0 && !control) return;
        const emit = (k: number) => {
          if (announced.has(k) || !rows[k]) return;
          announced.add(k);
          rows[k] = this.finalRow(rows[k]!, observations[k], k === controlIndex ? null : { row: rows[controlIndex]!, observation: observations[controlIndex] });
          events?.outcome?.(rows[k]!);
        };
        if (i === controlIndex) {
          emit(i);
          rows.forEach((_, k) => emit(k));
        } else emit(i);
      };
      const worker = async (): Promise<void> => {
        while (next < plans.length && setupError === null) {
          const i = next++;
          const plan = plans[i]!;
          const name = plan.scenario.name;
          if (this.abort.signal.aborted) {
            rows[i] = this.row(plan, judgeNever(plan, pack.target.kind), [], 0);
            announce(i);
            continue;
          }
          try {
            const r = await runScenario({
              plan,
              kind: pack.target.kind,
              trace: this.opts.trace,
              ...(this.opts.sealed ? { sealed: this.opts.sealed } : {}),
              traceLoopback: this.opts.traceLoopback,
              respond: this.opts.respond,
              nodePreload: this.opts.nodePreload,
              ...(this.opts.browser !== undefined ? { browser: this.opts.browser } : {}),
              policy: this.opts.policy,
              audit: this.opts.audit,
              report: this.opts.report,
              ...(this.opts.capture ? { capture: this.opts.capture } : {}),
              ...(events?.forward ? { forward: events.forward } : {}),
              ...(events?.progress ? { progress: (phase, detail) => events.progress!(name, phase, detail) } : {}),
              signal: this.abort.signal,
            });
            traced ??= { active: r.observation.traced };
            observations[i] = r.observation;
            const j = judge(r.observation);
            const o = r.observation;
            rows[i] = {
              ...this.row(plan, j, r.rules, r.durationMs),
              ...pickCounts(o),
              exit: o.exit,
              probes: o.probes,
              exitExpected: plan.exitCodes,
              ...(o.stderr.trim() !== '' ? { stderrTail: stderrTail(o.stderr) } : {}),
              ...(o.steps ? { steps: o.steps } : {}),
              ...(o.dnsQueries && o.dnsQueries.length > 0 ? { dnsQueries: o.dnsQueries } : {}),
            };
            // Which step sent what, in the note every view shows (text, JSON, JUnit, TUI).
            if (o.steps) rows[i]!.note = `${rows[i]!.note}; steps: ${stepsText(o.steps)}`;
            announce(i);
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
    // Rows not announced yet (the control never finished: interrupted, or a set-up fault).
    const control = rows[controlIndex];
    rows.forEach((row, k) => {
      if (row && k !== controlIndex && control && !announced.has(k)) rows[k] = this.finalRow(row, observations[k], { row: control, observation: observations[controlIndex] });
    });
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
   * A row as the matrix will show it, once the control is known. A CLI control that sent and
   * exited non-zero shows that exit code is how this command ends: a scenario that ended the same
   * way is judged again with that knowledge. A control that did not send makes a silent pass
   * prove nothing.
   */
  private finalRow(row: ScenarioRowReport, o: Observation | undefined, control: { row: ScenarioRowReport; observation: Observation | undefined } | null): ScenarioRowReport {
    if (!control) return row;
    let out = row;
    const c = control.observation;
    const code = c?.exit?.code;
    if (o && c && control.row.outcome === 'sent' && c.kind === 'cli' && code !== undefined && code !== null && code !== 0 && c.exit?.stoppedBy === null && o.exit?.code === code) {
      const j = judge(o, { normalExitCode: code });
      out = { ...row, outcome: j.outcome, status: j.status, proxyOnly: j.proxyOnly, note: j.note };
    }
    return withControl([control.row, out])[1]!;
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

/** "disable: exit 0, 1 request (not judged) → trigger: exit 0, 0 requests". */
export function stepsText(steps: readonly StepReport[]): string {
  return steps
    .map((st) => {
      const exit = !st.exit ? 'did not end' : st.exit.spawnError ? 'not started' : st.exit.signal ? `killed by ${st.exit.signal}` : `exit ${st.exit.code}`;
      const sent = `${st.requests} request${st.requests === 1 ? '' : 's'}${st.bypasses > 0 ? ` and ${st.bypasses} bypass${st.bypasses === 1 ? '' : 'es'}` : ''}`;
      return `${st.name}: ${exit}, ${sent}${st.judged ? '' : ' (not judged)'}`;
    })
    .join(' → ');
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
