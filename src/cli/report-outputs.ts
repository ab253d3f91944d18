/**
 * Where an audit run's reports go: stdout and/or files, each in its own format. Streaming
 * formats are written as results arrive; for a whole-report format (JUnit) the run keeps slim,
 * redacted results (no bodies, no payloads) and renders them at the end. When every report
 * goes to a file, stdout still gets the text summary, so a CI log shows the verdict.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { RequestResult } from '../engine/audit-request.js';
import type { AuditSummary } from '../engine/summary.js';
import type { OptoutMatrix } from '../optout/matrix.js';
import { REPORTERS, type ReporterEntry } from '../report/reporters.js';
import { endPieces, toReportedRequest, type ReportContext, type ReportedRequest, type StreamReporter, type WholeReporter } from '../report/reporter.js';
import { COLOR, PLAIN, colorEnabled } from '../report/style.js';
import type { CliIO } from './command.js';
import { writeOut } from './command.js';
import { CliError } from './errors.js';
import type { ReportSettings, ReportTarget } from './options/report-options.js';

interface OpenTarget {
  display: string;
  out: NodeJS.WritableStream;
  file: WriteStream | null;
  stream?: StreamReporter;
  render?: WholeReporter;
  ctx: ReportContext;
}

export class ReportWriteError extends CliError {
  override name = 'ReportWriteError';
}

function openFile(target: ReportTarget & { path: string }): Promise<WriteStream> {
  return new Promise((resolve, reject) => {
    const file = createWriteStream(target.path, { flags: target.append ? 'a' : 'w' });
    file.once('open', () => resolve(file));
    file.once('error', (err: NodeJS.ErrnoException) => reject(new ReportWriteError(`cannot write the report to ${target.display}: ${err.code ?? err.message}`)));
  });
}

function closeFile(file: WriteStream, display: string): Promise<void> {
  return new Promise((resolve, reject) => {
    file.once('error', (err: NodeJS.ErrnoException) => reject(new ReportWriteError(`cannot write the report to ${display}: ${err.code ?? err.message}`)));
    file.end(() => resolve());
  });
}

export class ReportOutputs {
  private readonly collected: ReportedRequest[] | null;

  private constructor(
    private readonly targets: OpenTarget[],
    private readonly showEvidence: boolean,
  ) {
    this.collected = targets.some((t) => t.render) ? [] : null;
  }

  /** Open every target up front, so an unwritable path fails before anything is audited. */
  static async open(settings: ReportSettings, io: CliIO, base: Omit<ReportContext, 'style' | 'quiet'>): Promise<ReportOutputs> {
    const opened: OpenTarget[] = [];
    try {
      for (const t of settings.targets) {
        const file = t.path === null ? null : await openFile({ ...t, path: t.path });
        const tty = file === null && io.stdout.isTTY === true;
        const ctx: ReportContext = { ...base, quiet: settings.quiet, style: t.format === 'text' && colorEnabled(io.env, tty) ? COLOR : PLAIN };
        const entry = REPORTERS[t.format] as ReporterEntry;
        const target: OpenTarget = { display: t.display, out: file ?? io.stdout, file, ctx };
        if (entry.streaming) target.stream = entry.create(ctx);
        else target.render = entry.render;
        opened.push(target);
      }
    } catch (err) {
      for (const t of opened) t.file?.destroy();
      throw err;
    }
    if (settings.targets.every((t) => t.path !== null)) {
      const ctx: ReportContext = { ...base, quiet: true, style: colorEnabled(io.env, io.stdout.isTTY === true) ? COLOR : PLAIN };
      opened.push({ display: 'stdout', out: io.stdout, file: null, stream: REPORTERS.text.create(ctx), ctx });
    }
    return new ReportOutputs(opened, settings.showEvidence);
  }

  async begin(): Promise<void> {
    for (const t of this.targets) if (t.stream) await writeOut(t.out, t.stream.begin());
  }

  async result(result: RequestResult): Promise<void> {
    for (const t of this.targets) if (t.stream) await writeOut(t.out, t.stream.result(result));
    this.collected?.push(toReportedRequest(result, this.showEvidence));
  }

  /** `conclusion`: what a live run concluded when its exit code is not the audit's alone. */
  async end(summary: AuditSummary, exitCode: number, conclusion?: string, optout?: OptoutMatrix): Promise<void> {
    for (const t of this.targets) {
      if (t.stream) {
        const text = t.stream.end(summary, exitCode, conclusion, optout);
        for (const piece of endPieces(text)) await writeOut(t.out, piece);
      }
      else {
        const report = { requests: this.collected ?? [], summary, exitCode, ...(conclusion !== undefined ? { conclusion } : {}), ...(optout ? { optout } : {}) };
        for (const piece of t.render!(report, t.ctx)) await writeOut(t.out, piece);
      }
      if (t.file) await closeFile(t.file, t.display);
    }
  }
}
