/**
 * Where an audit run's reports go: stdout and/or files, each in its own format, written as
 * results arrive (each format's module loaded only when asked for). When every report goes to
 * a file, stdout still gets the text summary, so a CI log shows the verdict.
 *
 * Files are written atomically: each report goes to a temporary file beside its target and is
 * renamed over it only when complete (the GitHub job summary, which is appended to, gets the
 * finished text appended). A run that fails after the reports were opened still finishes
 * every report, saying that it failed and what it had audited by then, so no reader ever
 * sees a truncated or empty report.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { appendFile, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { serializeCaptureLine } from '../capture/capture-record.js';
import type { RequestResult } from '../engine/audit-request.js';
import { SummaryBuilder, type AuditSummary } from '../engine/summary.js';
import type { OptoutMatrix } from '../optout/matrix.js';
import { loadReporter, reportNeeds, type ReportFormat } from '../report/reporters.js';
import { endPieces, type ArtifactLine, type ContainmentReport, type PieceSettings, type ReportContext, type StreamReporter } from '../report/reporter.js';
import { COLOR, PLAIN, colorEnabled } from '../report/style.js';
import type { CliIO } from './command.js';
import type { Progress } from './progress.js';
import type { RenderPlan } from './parallel/audit-recipe.js';
import type { RenderedRun } from './parallel/rendered-run.js';
import { writeOut } from './command.js';
import { CliError } from './errors.js';
import { EXIT } from './exit-codes.js';
import type { ReportSettings, ReportTarget } from './options/report-options.js';

export class ReportWriteError extends CliError {
  override name = 'ReportWriteError';
}

/** A file written under a temporary name and moved into place when complete. */
class AtomicFile {
  private constructor(
    readonly display: string,
    private readonly target: string,
    private readonly temp: string,
    readonly stream: WriteStream,
    private readonly append: boolean,
  ) {}

  static open(target: string, display: string, opts: { append?: boolean; mode?: number } = {}): Promise<AtomicFile> {
    const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
    return new Promise((resolve, reject) => {
      const stream = createWriteStream(temp, { flags: 'wx', mode: opts.mode ?? 0o644 });
      stream.once('open', () => resolve(new AtomicFile(display, target, temp, stream, opts.append === true)));
      stream.once('error', (err: NodeJS.ErrnoException) => reject(new ReportWriteError(`cannot write the report to ${display}: ${err.code ?? err.message}`)));
    });
  }

  /** Close and move into place (or append to the target, for a shared summary file). */
  async commit(): Promise<void> {
    try {
      await new Promise<void>((resolve, reject) => {
        this.stream.once('error', reject);
        this.stream.end(() => resolve());
      });
      if (this.append) {
        await appendFile(this.target, await readFile(this.temp));
        await unlink(this.temp);
      } else {
        await rename(this.temp, this.target);
      }
    } catch (err) {
      await this.discard();
      throw new ReportWriteError(`cannot write the report to ${this.display}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }

  async discard(): Promise<void> {
    this.stream.destroy();
    await unlink(this.temp).catch(() => undefined);
  }
}

interface OpenTarget {
  display: string;
  format: ReportFormat;
  /** What its per-request text depends on (for workers that render it). */
  settings: PieceSettings;
  out: NodeJS.WritableStream;
  file: AtomicFile | null;
  stream: StreamReporter;
  /** SARIF into a file: requests that are not in a file of the checkout are saved beside it. */
  companion?: Companion;
}

/**
 * The capture file written beside a SARIF report for requests read from stdin or captured
 * live: SARIF results must point at a file and line, and these have none of their own.
 * Private (0600): it holds what the target sent, unredacted, like --save.
 */
class Companion {
  private file: AtomicFile | null = null;
  private lines = 0;
  constructor(
    readonly target: string,
    readonly display: string,
  ) {}

  async add(result: RequestResult): Promise<ArtifactLine | undefined> {
    const origin = result.request.origin;
    if (origin.kind === 'file' || result.findings.length === 0) return undefined;
    this.file ??= await AtomicFile.open(this.target, this.display, { mode: 0o600 });
    await writeOut(this.file.stream, serializeCaptureLine(result.request));
    return { file: this.display, line: ++this.lines };
  }

  async commit(): Promise<void> {
    await this.file?.commit();
  }

  async discard(): Promise<void> {
    await this.file?.discard();
  }
}

/** `report.sarif` → `report.capture.ndjson`, beside it. */
function companionPath(target: ReportTarget & { path: string }, cwd: string): { path: string; display: string } {
  const base = target.path.replace(/(\.sarif(\.json)?|\.json)$/i, '');
  const abs = `${base}.capture.ndjson`;
  return { path: abs, display: path.relative(cwd, abs).split(path.sep).join('/') || abs };
}

function pieceSettings(ctx: ReportContext): PieceSettings {
  return { showEvidence: ctx.showEvidence, quiet: ctx.quiet, color: ctx.style === COLOR };
}

/** Reports opened and not yet finished: a run that fails finishes them (see finishOpenReports). */
const unfinished = new Set<ReportOutputs>();

export class ReportOutputs {
  /** What the run had audited so far, for a report finished after a failure. */
  private readonly soFar = new SummaryBuilder();
  private begun = false;
  private ended = false;
  private progress: Progress | null = null;

  private constructor(
    private readonly targets: OpenTarget[],
  ) {
    unfinished.add(this);
  }

  /** Open every target up front, so an unwritable path fails before anything is audited. */
  static async open(settings: ReportSettings, io: CliIO, base: Omit<ReportContext, 'style' | 'quiet'>): Promise<ReportOutputs> {
    const opened: OpenTarget[] = [];
    try {
      for (const t of settings.targets) {
        const file = t.path === null ? null : await AtomicFile.open(t.path, t.display, { append: t.append });
        const tty = file === null && io.stdout.isTTY === true;
        const ctx: ReportContext = { ...base, quiet: settings.quiet, style: t.format === 'text' && colorEnabled(io.env, tty) ? COLOR : PLAIN };
        const target: OpenTarget = { display: t.display, format: t.format, settings: pieceSettings(ctx), out: file?.stream ?? io.stdout, file, stream: (await loadReporter(t.format))(ctx) };
        if (t.format === 'sarif' && t.path !== null) {
          const c = companionPath({ ...t, path: t.path }, io.cwd);
          target.companion = new Companion(c.path, c.display);
        }
        opened.push(target);
      }
    } catch (err) {
      for (const t of opened) await t.file?.discard();
      throw err;
    }
    if (settings.targets.every((t) => t.path !== null)) {
      const ctx: ReportContext = { ...base, quiet: true, style: colorEnabled(io.env, io.stdout.isTTY === true) ? COLOR : PLAIN };
      opened.push({ display: 'stdout', format: 'text', settings: pieceSettings(ctx), out: io.stdout, file: null, stream: (await loadReporter('text'))(ctx) });
    }
    return new ReportOutputs(opened);
  }

  /** Progress shown while the run goes: erased before the terminal gets report text, and told how far each report file is. */
  attachProgress(progress: Progress | null): void {
    this.progress = progress;
  }

  private write(t: OpenTarget, text: string): Promise<void> | void {
    if (text === '') return;
    if (t.file === null) this.progress?.clear();
    return writeOut(t.out, text);
  }

  async begin(): Promise<void> {
    if (this.begun) return;
    this.begun = true;
    for (const t of this.targets) await this.write(t, t.stream.begin());
  }

  async result(result: RequestResult): Promise<void> {
    this.soFar.add(result);
    for (const t of this.targets) await this.writeResult(t, result);
  }

  /** One result into one report: its SARIF companion first (the report links to where it landed there). */
  private async writeResult(t: OpenTarget, result: RequestResult): Promise<void> {
    const at = t.companion ? await t.companion.add(result) : undefined;
    await this.write(t, t.stream.result(result, at));
  }

  /**
   * How audit workers can write these reports' share (see RenderPlan), or null when some report
   * needs every result on this thread (JUnit: its case names and suites span the run).
   */
  renderPlan(): RenderPlan | null {
    const needs = this.targets.map((t) => reportNeeds(t.format));
    if (needs.includes('results')) return null;
    return {
      targets: this.targets.map((t, i) => (needs[i] === 'pieces' ? { format: t.format, ...t.settings } : null)),
      findings: needs.includes('findings'),
    };
  }

  /** A run rendered by a worker by renderPlan(): written as result() would have written each of its results. */
  async rendered(run: RenderedRun): Promise<void> {
    if (run.pieces.length !== this.targets.length) throw new Error('a rendered run does not match the reports');
    this.soFar.merge(run.summary);
    for (const [i, t] of this.targets.entries()) {
      const text = run.pieces[i];
      if (text !== null && text !== undefined) {
        await this.write(t, t.stream.takeRendered!(text, run.count));
        continue;
      }
      for (const result of run.full) await this.writeResult(t, result);
    }
  }

  /** `conclusion`: what a live run concluded when its exit code is not the audit's alone. */
  async end(summary: AuditSummary, exitCode: number, conclusion?: string, optout?: OptoutMatrix, containment?: ContainmentReport): Promise<void> {
    if (this.ended) return;
    // A run that failed before it began still gets whole documents.
    await this.begin();
    this.ended = true;
    unfinished.delete(this);
    let failure: unknown = null;
    for (const t of this.targets) {
      // The terminal gets its report now: the progress line is over.
      if (t.file === null) this.progress?.done();
      try {
        let bytes = 0;
        for (const piece of endPieces(t.stream.end(summary, exitCode, conclusion, optout, containment))) {
          await this.write(t, piece);
          bytes += Buffer.byteLength(piece);
          if (t.file) this.progress?.writing(t.display, bytes);
        }
        await t.companion?.commit();
        await t.file?.commit();
      } catch (err) {
        failure ??= err;
        await t.companion?.discard();
        await t.file?.discard();
      }
    }
    if (failure) throw failure;
  }

  /** Finish every report after a failure: complete documents, exit 2, saying why and how far it got. */
  async fail(message: string): Promise<void> {
    const summary = this.soFar.build();
    await this.end(summary, EXIT.USAGE, `the run failed: ${message} (the report covers what was audited before: ${summary.audited} of ${summary.requests} requests)`);
  }
}

/** Called by the CLI when a command fails: every report it opened is finished, none left partial. */
export async function finishOpenReports(message: string): Promise<void> {
  for (const outputs of [...unfinished]) {
    try {
      await outputs.fail(message);
    } catch {
      // The command's own error is the one to report.
    }
  }
}
