/**
 * The results matrix of an opt-out run, and the two decisions it rests on: what one scenario's
 * outcome was (from what was observed), and what the whole run concludes (its exit code). Pure,
 * so every rule here is tested without starting a process.
 */
import type { DnsQuery } from '../capture/capture-feed.js';
import type { Expectation } from './pack-schema.js';

export type Outcome = 'suppressed' | 'sent' | 'refused to start' | 'inconclusive';

/** pass: as expected; fail: not as expected (or a leak in what it sent); info: informational, never failed. */
export type RowStatus = 'pass' | 'fail' | 'inconclusive' | 'info';

export interface ProbeResult {
  url: string;
  description?: string;
  /** true: the body passed; false: it did not; null: the target never answered. */
  ok: boolean | null;
  detail: string;
}

/** What was seen while one scenario ran: the runner's raw facts, before any judgement. */
export interface Observation {
  kind: 'cli' | 'server';
  expect: Expectation;
  informational: boolean;
  control: boolean;
  /** Requests that left for somewhere other than loopback (audited). */
  requests: number;
  /** Requests to loopback the policy skips: they stay on the machine, not counted as sending. */
  loopback: number;
  /** Connection attempts seen without a request: bypasses, DNS lookups, refused CAs. */
  bypasses: number;
  /** Error and warning findings in what the scenario sent. */
  errors: number;
  warnings: number;
  /** How the target ended: null when it never ran (the run was interrupted before it started). */
  exit: { code: number | null; signal: string | null; stoppedBy: 'timeout' | 'interrupt' | 'stop' | null; spawnError?: string } | null;
  /** Why the runner stopped it: the first request of a suppress scenario, the end of a server's observation, or an interrupt. */
  stoppedFor: 'first-request' | 'observed' | 'interrupt' | 'timeout' | null;
  /** Whether the tracer watched (bypasses could be seen). */
  traced: boolean;
  /** The target's standard error (its tail), for refusal.stderr. */
  stderr: string;
  refusalPattern?: string;
  probes: ProbeResult[];
  /** Exit codes with which the trigger ends normally (default [0]). */
  exitCodes?: number[];
  /** Whether the pack named them (an early exit with one of them is then a normal end, for servers too). */
  exitCodesGiven?: boolean;
  /** Server targets with a readiness URL: whether it ever answered. */
  ready?: boolean;
  /** Setup steps and the trigger, when the scenario has steps. */
  steps?: StepReport[];
  /** Why the trigger never ran: a setup step that did not end as the pack expects. */
  setupFailure?: string;
  /** false: the trigger never ran (a setup step failed, sent under suppress, or the run was interrupted). */
  triggerRan?: boolean;
  /** Sealed: the DNS queries its namespaces answered (name and type; none left the machine). */
  dnsQueries?: DnsQuery[];
}

/** One command of a scenario (a setup step, or the trigger) and what it did. */
export interface StepReport {
  name: string;
  kind: 'run';
  command: string;
  /** false: what it sent was shown but not counted toward the outcome. */
  judged: boolean;
  exit: Observation['exit'];
  requests: number;
  bypasses: number;
  durationMs: number;
  /** The last lines of its standard error, control characters escaped. */
  stderrTail: string[];
}

/** Control characters escaped, so a target's output cannot drive the terminal that shows it. */
function escapeControls(line: string): string {
  return line.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The last non-empty lines of a target's standard error (each cut short), for notes and reports. */
export function stderrTail(stderr: string, lines = 20): string[] {
  return stderr
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '')
    .slice(-lines)
    .map((l) => escapeControls(l.length > 300 ? `${l.slice(0, 297)}...` : l));
}

export interface Judgement {
  outcome: Outcome;
  status: RowStatus;
  /** One sentence: why this outcome and status. */
  note: string;
  /** Suppressed as far as the proxy can tell, with nothing watching for bypasses. */
  proxyOnly: boolean;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function how(exit: NonNullable<Observation['exit']>): string {
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

/**
 * What the control's run says is normal for this command: a CLI command that fails by design
 * (a canary database that does not exist) exits non-zero in every scenario, and that is not a
 * refusal to start.
 */
export interface JudgeContext {
  /** The exit code of a control that sent: a CLI scenario that exits with it ended normally. */
  normalExitCode?: number;
}

/** The outcome the observations show, before comparing it with the expectation. */
function outcomeOf(o: Observation, ctx: JudgeContext): { outcome: Outcome; note: string } {
  const exit = o.exit;
  if (o.requests > 0 || o.bypasses > 0) {
    // Not "bypass attempts": a refused CA or an abandoned handshake went through the proxy; the
    // row's findings say which rule each one was.
    const what = [o.requests > 0 ? plural(o.requests, 'request') : '', o.bypasses > 0 ? plural(o.bypasses, 'connection finding') : ''].filter(Boolean).join(' and ');
    const where = o.triggerRan === false && o.steps?.length ? ` by setup step ${o.steps.at(-1)!.name}` : '';
    return { outcome: 'sent', note: `${what}${where}${o.stoppedFor === 'first-request' ? ' (stopped at the first one)' : ''}` };
  }
  if (o.stoppedFor === 'interrupt' || exit?.stoppedBy === 'interrupt') return { outcome: 'inconclusive', note: 'interrupted before the scenario was over' };
  if (o.setupFailure !== undefined) return { outcome: 'inconclusive', note: o.setupFailure };
  if (!exit) return { outcome: 'inconclusive', note: 'the scenario never ran (the run was interrupted)' };
  if (exit.spawnError) return { outcome: 'inconclusive', note: `the command could not be started: ${exit.spawnError}${tailNote(o.stderr)}` };
  if (o.stoppedFor === 'timeout' || exit.stoppedBy === 'timeout') return { outcome: 'inconclusive', note: 'the target outlived the time limit: it may not have reached the point where it sends' };
  const codes = o.exitCodes ?? [0];
  const expectedExit = exit.signal === null && exit.code !== null && (codes.includes(exit.code) || exit.code === ctx.normalExitCode);
  if (o.kind === 'server') {
    if (o.stoppedFor === 'observed') return { outcome: 'suppressed', note: 'ran for the whole observation and sent nothing' };
    // A server is expected to keep running: ending on its own is a refusal only where the pack
    // expects one, a normal end only where the pack names the exit code, and otherwise unknown.
    if (o.expect === 'refuse-start') return { outcome: 'refused to start', note: `${how(exit)} before the observation ended, having sent nothing${tailNote(o.stderr)}` };
    if (o.exitCodesGiven && expectedExit) return { outcome: 'suppressed', note: `${how(exit)}, as the pack expects, having sent nothing` };
    const ready = o.ready === false ? ' and never became ready' : o.ready === true ? ' before the observation ended' : ' before the observation ended';
    return { outcome: 'inconclusive', note: `exited early: ${how(exit)}${ready}, having sent nothing${tailNote(o.stderr)}` };
  }
  if (expectedExit) {
    const as = exit.code === 0 ? 'exited' : exit.code === ctx.normalExitCode && !codes.includes(exit.code!) ? `exited with code ${exit.code}, as the control did,` : `exited with code ${exit.code}, as the pack expects,`;
    return { outcome: 'suppressed', note: `${as} and nothing was sent through the quiet window` };
  }
  if (o.expect === 'refuse-start') return { outcome: 'refused to start', note: `${how(exit)} having sent nothing${tailNote(o.stderr)}` };
  return { outcome: 'inconclusive', note: `exited early: ${how(exit)} having sent nothing (the pack expects ${codes.join(' or ')})${tailNote(o.stderr)}` };
}

/** The last lines the target wrote to stderr, as a reason. */
function tailNote(stderr: string): string {
  const lines = stderrTail(stderr, 3);
  if (lines.length === 0) return '';
  return `: "${lines.map((l) => (l.length > 160 ? `${l.slice(0, 157)}...` : l)).join(' | ')}"`;
}

const WANTED: Record<Expectation, Outcome> = { send: 'sent', suppress: 'suppressed', 'refuse-start': 'refused to start' };

export function judge(o: Observation, ctx: JudgeContext = {}): Judgement {
  const { outcome, note: seen } = outcomeOf(o, ctx);
  const proxyOnly = outcome === 'suppressed' && !o.traced;
  const notes = [seen];
  if (o.loopback > 0) notes.push(`${plural(o.loopback, 'request')} to loopback stayed on the machine`);
  if (proxyOnly) notes.push('no tracer: only as good as the proxy, a connection that bypassed it would not have been seen');
  if (o.errors + o.warnings > 0) notes.push(`${plural(o.errors, 'error')}, ${plural(o.warnings, 'warning')} in what it sent`);

  let status: RowStatus;
  if (outcome === 'inconclusive') status = 'inconclusive';
  else if (outcome !== WANTED[o.expect]) status = 'fail';
  else status = 'pass';
  if (outcome === WANTED[o.expect]) {
    if (o.expect === 'refuse-start' && o.refusalPattern !== undefined && !new RegExp(o.refusalPattern).test(o.stderr)) {
      status = 'fail';
      notes.push(`its standard error does not match /${o.refusalPattern}/`);
    }
    for (const p of o.probes) {
      if (p.ok === false) {
        status = 'fail';
        notes.push(`probe failed: ${p.detail}`);
      } else if (p.ok === null && status === 'pass') {
        status = 'inconclusive';
        notes.push(`probe not answered: ${p.detail}`);
      }
    }
  }
  if (o.errors > 0 && status === 'pass') status = 'fail';
  if (o.informational) status = 'info';
  if (o.expect === 'suppress' && outcome === 'sent' && !o.informational) notes[0] = `LEAK: ${notes[0]}`;
  return { outcome, status, note: notes.join('; '), proxyOnly };
}

export interface ScenarioRowReport {
  name: string;
  title?: string;
  expect: Expectation;
  informational: boolean;
  control: boolean;
  outcome: Outcome;
  status: RowStatus;
  proxyOnly: boolean;
  requests: number;
  loopback: number;
  bypasses: number;
  errors: number;
  warnings: number;
  /** Rule ids of the findings in what it sent, sorted. */
  rules: string[];
  probes: ProbeResult[];
  exit: Observation['exit'];
  /** Exit codes with which the trigger ends normally here. */
  exitExpected?: number[];
  /** The last lines of the trigger's standard error (control characters escaped). */
  stderrTail?: string[];
  /** Setup steps and the trigger, with what each sent, when the scenario has steps. */
  steps?: StepReport[];
  /** Sealed: the DNS queries the scenario's namespaces answered inside (nothing left). */
  dnsQueries?: DnsQuery[];
  durationMs: number;
  note: string;
}

export interface OptoutMatrix {
  pack: { name: string; title: string; origin: string };
  target: 'cli' | 'server';
  command: string;
  trace: { active: boolean; reason?: string };
  /** How the scenarios were contained (`sealed`, `proxy + tracer`, `proxy only`). */
  containment?: string;
  concurrency: number;
  scenarios: ScenarioRowReport[];
  verdict: { exitCode: number; label: string; conclusion: string };
  timing: { wallMs: number; slowestMs: number; slowest: string };
}

/**
 * Without a control that sent, a scenario that sent nothing proves nothing: its pass becomes
 * inconclusive, so the matrix never shows a tick the run cannot stand behind.
 */
export function withControl(rows: readonly ScenarioRowReport[]): ScenarioRowReport[] {
  const control = rows.find((r) => r.control);
  if (control?.outcome === 'sent') return [...rows];
  return rows.map((r) =>
    r.status === 'pass' && !r.control && r.outcome !== 'sent'
      ? { ...r, status: 'inconclusive', note: `${r.note}; proves nothing: the control did not send` }
      : r,
  );
}

/**
 * The run's exit code. A proven leak (a suppress scenario that sent, or an audit error) fails
 * whatever else happened; otherwise a control that did not send makes everything else
 * meaningless (3); then any other unmet expectation fails (1); a scenario that could not
 * conclude leaves the run inconclusive (3). Informational rows never count.
 */
export function verdictOf(rows: readonly ScenarioRowReport[]): OptoutMatrix['verdict'] {
  const counted = rows.filter((r) => !r.informational);
  const leaked = counted.filter((r) => r.expect === 'suppress' && r.outcome === 'sent');
  const auditErrors = counted.filter((r) => r.errors > 0 && !leaked.includes(r));
  const names = (rs: readonly ScenarioRowReport[]) => rs.map((r) => r.name).join(', ');
  if (leaked.length > 0 || auditErrors.length > 0) {
    const parts: string[] = [];
    if (leaked.length > 0) parts.push(`${plural(leaked.length, 'opt-out path')} leaked (${names(leaked)})`);
    if (auditErrors.length > 0) parts.push(`audit errors in what ${names(auditErrors)} sent`);
    return { exitCode: 1, label: 'FAIL', conclusion: parts.join('; ') };
  }
  const control = rows.find((r) => r.control);
  if (!control || control.outcome !== 'sent') {
    const why = control ? `the control ${control.outcome === 'suppressed' ? 'sent nothing' : control.outcome === 'refused to start' ? 'did not start' : 'could not conclude'} (${control.note})` : 'there is no control';
    return { exitCode: 3, label: 'INCONCLUSIVE', conclusion: `${why}: no "suppressed" result means anything` };
  }
  const unmet = counted.filter((r) => r.status === 'fail');
  if (unmet.length > 0) return { exitCode: 1, label: 'FAIL', conclusion: `${plural(unmet.length, 'scenario')} did not behave as expected (${names(unmet)})` };
  const open = counted.filter((r) => r.status === 'inconclusive');
  if (open.length > 0) return { exitCode: 3, label: 'INCONCLUSIVE', conclusion: `${plural(open.length, 'scenario')} could not conclude (${names(open)})` };
  const proxyOnly = counted.filter((r) => r.proxyOnly).length;
  const caveat = proxyOnly > 0 ? ` (no tracer watched for bypasses: the proxy alone backs ${plural(proxyOnly, 'suppressed result')})` : '';
  return { exitCode: 0, label: 'PASS', conclusion: `the control sent and every opt-out path held${caveat}` };
}
