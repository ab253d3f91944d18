/**
 * One audit run, whatever feeds it (replayed files, the live proxy, an opt-out scenario):
 * policy and detectors set up once, every request audited by the same engine, reported as it
 * arrives, summarised, and turned into an exit code. Commands differ only in their source.
 */
import type { CapturedRequest } from '../capture/captured-request.js';
import { auditRequest, type AuditOptions, type RequestResult } from '../engine/audit-request.js';
import type { CompiledPolicy } from '../engine/compiled-policy.js';
import { SummaryBuilder, type AuditSummary } from '../engine/summary.js';
import type { Policy } from '../policy/policy-schema.js';
import type { StreamReporter } from '../report/reporter.js';
import { STREAM_REPORTERS } from '../report/stream-reporters.js';
import { COLOR, PLAIN, colorEnabled } from '../report/style.js';
import type { CliIO, OptionSpec, ParsedArgs } from './command.js';
import { writeOut } from './command.js';
import { auditExitCode } from './exit-codes.js';
import { DETECTION_OPTIONS, setupDetection } from './options/detection-options.js';
import { POLICY_OPTIONS, loadCompiledPolicy } from './options/policy-options.js';
import { REPORT_OPTIONS, reportSettings, type ReportSettings } from './options/report-options.js';
import { TOOL_VERSION } from './version.js';

/** Every option an audit-running command accepts, in help order. */
export const AUDIT_RUN_OPTIONS: OptionSpec[] = [...POLICY_OPTIONS, ...DETECTION_OPTIONS, ...REPORT_OPTIONS];

export interface AuditRunListener {
  (result: RequestResult): void;
}

export class AuditRun {
  private readonly summary = new SummaryBuilder();
  private readonly listeners: AuditRunListener[] = [];

  private constructor(
    readonly policy: Policy,
    readonly compiled: CompiledPolicy,
    readonly auditOptions: AuditOptions,
    readonly settings: ReportSettings,
    readonly notes: string[],
    private readonly reporter: StreamReporter,
    private readonly out: NodeJS.WritableStream,
  ) {}

  /** Set up from command-line options. `inputs` labels the report header. */
  static async fromArgs(args: ParsedArgs, io: CliIO, inputs: string[], opts: { keepPayload?: boolean; notes?: string[] } = {}): Promise<AuditRun> {
    const settings = reportSettings(args);
    const detection = await setupDetection(args, io);
    const { policy, compiled } = await loadCompiledPolicy(args, io, detection.rules);
    const style = settings.format === 'text' && colorEnabled(io.env, io.stdout.isTTY === true) ? COLOR : PLAIN;
    const reporter = STREAM_REPORTERS[settings.format]!({
      toolVersion: TOOL_VERSION,
      policy,
      inputs,
      showEvidence: settings.showEvidence,
      quiet: settings.quiet,
      style,
      notes: [...detection.notes, ...(opts.notes ?? [])],
    });
    const auditOptions: AuditOptions = { detectors: detection.detectors, scanners: detection.scanners, keepPayload: opts.keepPayload ?? false };
    return new AuditRun(policy, compiled, auditOptions, settings, detection.notes, reporter, io.stdout);
  }

  onResult(listener: AuditRunListener): void {
    this.listeners.push(listener);
  }

  async begin(): Promise<void> {
    await writeOut(this.out, this.reporter.begin());
  }

  audit(request: CapturedRequest): RequestResult {
    return auditRequest(request, this.compiled, this.auditOptions);
  }

  /** Audit a request, report it and count it. */
  async add(request: CapturedRequest): Promise<RequestResult> {
    const result = this.audit(request);
    await this.addResult(result);
    return result;
  }

  /** Record a result made elsewhere (e.g. a bypass seen by the tracer). */
  async addResult(result: RequestResult): Promise<void> {
    this.summary.add(result);
    for (const l of this.listeners) l(result);
    await writeOut(this.out, this.reporter.result(result));
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
  async finish(outcome?: { exitCode: number; conclusion: string }): Promise<number> {
    const final = this.summary.build();
    const code = outcome?.exitCode ?? auditExitCode(final, this.settings.maxWarnings);
    await writeOut(this.out, this.reporter.end(final, code, outcome?.conclusion));
    return code;
  }
}
