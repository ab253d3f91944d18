/**
 * One audit run, whatever feeds it (replayed files, the live proxy, an opt-out scenario):
 * policy and detectors set up once, every request audited by the same engine, reported as it
 * arrives, summarised, and turned into an exit code. Commands differ only in their source.
 */
import type { CaptureLines } from '../capture/capture-lines.js';
import type { CapturedRequest } from '../capture/captured-request.js';
import { auditRequest, type AuditOptions, type RequestResult } from '../engine/audit-request.js';
import type { CompiledPolicy } from '../engine/compiled-policy.js';
import { SummaryBuilder, type AuditSummary } from '../engine/summary.js';
import type { OptoutMatrix } from '../optout/matrix.js';
import type { Policy } from '../policy/policy-schema.js';
import { BASELINE_RULES } from '../baseline/rules.js';
import type { ContainmentReport, ReportRule } from '../report/reporter.js';
import { ruleHelpUri } from '../report/rule-docs.js';
import type { CliIO, OptionSpec, ParsedArgs } from './command.js';
import { auditExitCode } from './exit-codes.js';
import { stringOpt } from './parse-args.js';
import { CONFIG_OPTIONS } from './config-file.js';
import { BASELINE_OPTIONS, Baselines } from './options/baseline-options.js';
import { DETECTION_OPTIONS, setupDetection, type DetectionDeps } from './options/detection-options.js';
import { POLICY_OPTIONS, loadCompiledPolicy } from './options/policy-options.js';
import { REPORT_OPTIONS, reportSettings, type ReportSettings } from './options/report-options.js';
import type { AuditRecipe, RenderPlan } from './parallel/audit-recipe.js';
import type { RenderedRun } from './parallel/rendered-run.js';
import type { AuditPool, ParallelOptions } from './parallel/audit-pool.js';
import { Progress } from './progress.js';
import { ReportOutputs } from './report-outputs.js';
import { TOOL_HOMEPAGE, TOOL_VERSION } from './version.js';

/** Every option an audit-running command accepts, in help order. */
export const AUDIT_RUN_OPTIONS: OptionSpec[] = [...CONFIG_OPTIONS, ...POLICY_OPTIONS, ...DETECTION_OPTIONS, ...REPORT_OPTIONS, ...BASELINE_OPTIONS];

export interface AuditRunListener {
  (result: RequestResult): void;
}

export class AuditRun {
  private readonly summary = new SummaryBuilder();
  private readonly listeners: AuditRunListener[] = [];
  private progress: Progress | null = null;

  private constructor(
    readonly policy: Policy,
    readonly compiled: CompiledPolicy,
    readonly auditOptions: AuditOptions,
    readonly settings: ReportSettings,
    readonly notes: string[],
    private readonly outputs: ReportOutputs,
    private readonly baselines: Baselines,
    private readonly keepPayload: boolean,
    private readonly io: CliIO,
    private readonly recipe: AuditRecipe,
  ) {}

  /** Set up from command-line options. `inputs` labels the report header. */
  static async fromArgs(args: ParsedArgs, io: CliIO, inputs: string[], opts: { keepPayload?: boolean; notes?: string[]; standIns?: DetectionDeps['standIns'] } = {}): Promise<AuditRun> {
    const settings = reportSettings(args, io);
    const baselines = await Baselines.fromArgs(args, io);
    const detection = await setupDetection(args, io, opts.standIns ? { standIns: opts.standIns } : {});
    const extraRules = [...detection.rules, ...BASELINE_RULES];
    const { policy, compiled, notes: policyNotes, origin } = await loadCompiledPolicy(args, io, extraRules);
    const config = stringOpt(args, 'config');
    const notes = [...(config !== undefined ? [`configuration: ${config}`] : []), ...detection.notes, ...policyNotes, ...(opts.notes ?? [])];
    const policyRuleIds = new Set((policy.rules ?? []).map((r) => r.id));
    const rules: ReportRule[] = [...compiled.rules.values()].map((r) => {
      const severity = compiled.severityOf(r.id);
      // Built-in rules are documented in docs/rules.md; a policy file's own rules are not.
      const documented = TOOL_HOMEPAGE !== undefined && (origin.startsWith('built-in:') || !policyRuleIds.has(r.id));
      return { ...r, severity: severity ?? r.severity, enabled: severity !== null, ...(documented ? { helpUri: ruleHelpUri(TOOL_HOMEPAGE!, r.id) } : {}) };
    });
    const outputs = await ReportOutputs.open(settings, io, {
      toolVersion: TOOL_VERSION,
      ...(TOOL_HOMEPAGE ? { toolHomepage: TOOL_HOMEPAGE } : {}),
      policy,
      inputs,
      showEvidence: settings.showEvidence,
      notes,
      rules,
    });
    const keepPayload = opts.keepPayload ?? false;
    const auditOptions: AuditOptions = { detectors: detection.detectors, scanners: detection.scanners, keepPayload: keepPayload || baselines.needsPayload };
    return new AuditRun(policy, compiled, auditOptions, settings, notes, outputs, baselines, keepPayload, io, { policy, extraRules, terms: detection.terms });
  }

  /**
   * Show progress on stderr while requests are audited and reports written (when stderr is a
   * terminal, CI is not set and --quiet is not given). The caller ends it with stopProgress().
   */
  showProgress(): void {
    this.progress = Progress.for(this.io, this.settings.quiet);
    this.outputs.attachProgress(this.progress);
  }

  /** Erase the progress line for good (the run ended, or failed). */
  stopProgress(): void {
    this.progress?.done();
  }

  onResult(listener: AuditRunListener): void {
    this.listeners.push(listener);
  }

  async begin(): Promise<void> {
    await this.outputs.begin();
  }

  audit(request: CapturedRequest): RequestResult {
    return auditRequest(request, this.compiled, this.auditOptions);
  }

  /** Audit a request, report it and count it. */
  async add(request: CapturedRequest): Promise<RequestResult> {
    return this.addResult(this.audit(request));
  }

  /**
   * Audit and add every request of a source, in order, on `jobs` threads when the input is long
   * enough to be worth it (capture lines are parsed by the workers too). Payloads do not cross threads, so a run that keeps them (the shape
   * baseline, the inspector) audits in this thread.
   */
  async addAll(source: AsyncIterable<CapturedRequest | CaptureLines>, jobs: number): Promise<void> {
    const plan = this.renderPlan(jobs);
    if (plan === null) return this.auditEach(source, jobs, (r) => this.addResult(r));
    const { auditInOrder } = await import('./parallel/audit-pool.js');
    await auditInOrder(source, { ...this.recipe, render: plan }, (r) => this.audit(r), (r) => this.addResult(r), { jobs, rendered: (run) => this.addRendered(run) });
  }

  /**
   * How workers write their share of the reports, or null when every result must pass through
   * this thread: one thread, payloads kept, a baseline applied, a listener, or a report that
   * needs every result (see ReportOutputs.renderPlan).
   */
  private renderPlan(jobs: number): RenderPlan | null {
    if (jobs <= 1 || this.auditOptions.keepPayload || this.baselines.active || this.listeners.length > 0) return null;
    return this.outputs.renderPlan();
  }

  /** A run rendered by a worker: counted and written as addResult() would count and write each of its results. */
  private async addRendered(run: RenderedRun): Promise<void> {
    this.summary.merge(run.summary);
    await this.outputs.rendered(run);
    this.progress?.requested(run.count, run.failing, run.last);
  }

  /**
   * Audit every request of a source in order, as `addAll` does, and give each result to `each`
   * (awaited) without adding it to this run: the inspector keeps its own counts (and every
   * result: `keep` says so, and how each result is settled, see ParallelOptions).
   */
  async auditEach(source: AsyncIterable<CapturedRequest | CaptureLines>, jobs: number, each: (result: RequestResult) => unknown, keep?: Pick<ParallelOptions, 'settle' | 'keepsResults'>): Promise<void> {
    const { auditInOrder } = await import('./parallel/audit-pool.js');
    const recipe = this.auditOptions.keepPayload ? null : this.recipe;
    await auditInOrder(source, recipe, (r) => this.audit(r), each, { jobs, ...keep });
  }

  /**
   * A result judged outside this run's report (the inspector keeps its own counts) with the
   * baselines applied as `addResult` applies them: shape findings added, approved findings
   * marked, so the inspector's verdict and exit code are those `audit` gives. The payload stays.
   */
  withBaselines(raw: RequestResult): RequestResult {
    return this.baselines.apply(raw, this.compiled, true);
  }

  /**
   * A pool of `jobs` audit workers that judge requests exactly as this run does, or null when
   * one thread is asked for or results must keep their payloads (payloads do not cross threads).
   */
  async openPool(jobs: number): Promise<AuditPool | null> {
    if (jobs <= 1 || this.auditOptions.keepPayload) return null;
    const { AuditPool } = await import('./parallel/audit-pool.js');
    return new AuditPool(this.recipe, jobs);
  }

  /**
   * Record a result made elsewhere (e.g. a bypass seen by the tracer). Baselines apply here, so
   * every source gets them; the result as reported (shape findings added, approvals marked) is
   * returned.
   */
  async addResult(raw: RequestResult): Promise<RequestResult> {
    const result = this.baselines.apply(raw, this.compiled, this.keepPayload);
    this.summary.add(result);
    for (const l of this.listeners) l(result);
    await this.outputs.result(result);
    this.progress?.request(result);
    return result;
  }

  currentSummary(): AuditSummary {
    return this.summary.build();
  }

  /** The exit code the audit alone gives (2 when nothing was audited). */
  auditExitCode(): number {
    return auditExitCode(this.summary.build(), this.settings.maxWarnings);
  }

  /**
   * Write the summary and return the exit code: the audit's, unless a live run concluded
   * otherwise (nothing sent, or inconclusive) and says why.
   */
  /** `containment`: how a live run was contained and the DNS queries its namespaces answered. */
  async finish(outcome?: { exitCode: number; conclusion: string; optout?: OptoutMatrix }, containment?: ContainmentReport): Promise<number> {
    const final = this.summary.build();
    const code = outcome?.exitCode ?? auditExitCode(final, this.settings.maxWarnings);
    this.progress?.clear();
    await this.baselines.finish(final, this.io, this.policy.name);
    await this.outputs.end(final, code, outcome?.conclusion, outcome?.optout, containment);
    this.stopProgress();
    return code;
  }
}
