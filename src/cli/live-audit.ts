/**
 * A live feed audited on the command line (`run`, `serve`): every request through the same
 * AuditRun as `audit`, each would-be payload printed as it arrives, every capture written to
 * --save at once (so the file is valid after a crash or Ctrl-C) and to --har at the end.
 * Connection events (bypasses, refused CAs) become results with their finding.
 */
import type { CaptureFeed, FeedEvent } from '../capture/capture-feed.js';
import type { CaptureOrigin } from '../capture/captured-request.js';
import { connectionResult } from '../live/connection-result.js';
import type { FakeResponse } from '../live/fake-response.js';
import type { TargetExit } from '../live/run-target.js';
import { formatWouldBePayload } from '../live/payload-view.js';
import { COLOR, PLAIN, colorEnabled } from '../report/style.js';
import type { AuditRun } from './audit-run.js';
import type { CliIO } from './command.js';
import { writeOut } from './command.js';
import { CaptureFiles } from './capture-files.js';
import { EXIT } from './exit-codes.js';
import { escapeControlsKeepLines } from '../report/control-chars.js';

export interface LiveAuditOptions {
  save?: string | undefined;
  har?: string | undefined;
  respond: FakeResponse;
  /** Prefix of status lines on stderr, e.g. "telemetry-audit run". */
  label: string;
  /** Labels connection results (bypasses have no request to take an origin from). */
  origin: CaptureOrigin;
}

export class LiveAudit {
  /** Events wait here and are handled one at a time, in order, by a single pump. */
  private readonly pending: FeedEvent[] = [];
  private pumping: Promise<void> | null = null;
  private failure: unknown = null;
  private readonly style;
  /** Requests captured (including those the policy skips, e.g. loopback). */
  requests = 0;
  /** Connection findings reported (bypasses, DNS lookups, refused CAs, unreadable traffic). */
  connections = 0;

  private constructor(
    private readonly run: AuditRun,
    private readonly io: CliIO,
    private readonly opts: LiveAuditOptions,
    private readonly files: CaptureFiles,
  ) {
    this.style = run.settings.format === 'text' && colorEnabled(io.env, io.stdout.isTTY === true) ? COLOR : PLAIN;
  }

  /** Open the capture files now: an unwritable path is an error before any target starts. */
  static open(run: AuditRun, io: CliIO, opts: LiveAuditOptions): LiveAudit {
    return new LiveAudit(run, io, opts, CaptureFiles.open(opts, io.cwd));
  }

  attach(feed: CaptureFeed): () => void {
    return feed.subscribe((event) => {
      this.pending.push(event);
      this.pumping ??= this.pump();
    });
  }

  private async pump(): Promise<void> {
    // Yield once so a burst of events is drained in one pass.
    await Promise.resolve();
    let head = 0;
    while (head < this.pending.length) {
      try {
        await this.handle(this.pending[head++]!);
      } catch (err) {
        this.failure ??= err;
      }
      // A long session never stops: drop handled events as it goes.
      if (head >= 1024) {
        this.pending.splice(0, head);
        head = 0;
      }
    }
    this.pending.length = 0;
    this.pumping = null;
  }

  /** Status for people, on stderr so stdout stays the report. */
  async status(message: string, always = false): Promise<void> {
    if (this.run.settings.quiet && !always) return;
    await writeOut(this.io.stderr, `${this.opts.label}: ${escapeControlsKeepLines(message)}\n`);
  }

  private async handle(event: FeedEvent): Promise<void> {
    switch (event.type) {
      case 'request': {
        this.requests++;
        // Written before anything else: a capture survives even if the audit or output fails.
        this.files.add(event.request);
        const result = this.run.audit(event.request);
        if (this.run.settings.format === 'text' && !this.run.settings.quiet) {
          await writeOut(this.io.stdout, formatWouldBePayload(result, { showEvidence: this.run.settings.showEvidence, style: this.style }));
        }
        await this.run.addResult(result);
        return;
      }
      case 'connection': {
        const result = connectionResult(event, this.run.compiled, this.opts.origin);
        if (!result) return;
        this.connections++;
        await this.run.addResult(result);
        return;
      }
      case 'status':
        await this.status(event.message);
        return;
      case 'end':
        return;
    }
  }

  /** Wait for every event to be handled, then write the HAR and close the files. */
  async close(): Promise<void> {
    while (this.pumping) await this.pumping;
    this.files.close();
    if (this.failure) throw this.failure;
  }
}

export interface LiveOutcomeInput {
  /** Results audited (requests not skipped, and connection findings). */
  audited: number;
  /** Requests captured, skipped ones included. */
  requests: number;
  trace: { active: boolean; reason?: string };
  /** How the command ended; null for a proxy-only session. */
  target: TargetExit | null;
  /** Direct connections to loopback services the tracer saw. */
  directLoopback?: number;
}

/**
 * The exit code when nothing could be audited. An audit of nothing never passes on its own;
 * only the tracer, which sees every connection attempt, can show that nothing left the machine.
 * Null: something was audited, so the audit's own exit code stands.
 */
export function liveOutcome(input: LiveOutcomeInput): { exitCode: number; conclusion: string } | null {
  if (input.audited > 0) return null;
  const stayed = input.requests > 0 ? ` (${input.requests} request${input.requests === 1 ? '' : 's'} to loopback stayed on this machine)` : '';
  const t = input.target;
  if (t?.spawnError) return { exitCode: EXIT.USAGE, conclusion: `the command could not be started (${t.spawnError}); nothing was audited` };
  if (!input.trace.active) {
    return { exitCode: EXIT.INCONCLUSIVE, conclusion: `INCONCLUSIVE: no request reached the proxy${stayed}, and connections that bypass it could not be seen (${input.trace.reason ?? 'no tracer'})` };
  }
  if (t && t.stoppedBy === null && (t.code !== 0 || t.signal !== null)) {
    const how = t.signal ? `was killed by ${t.signal}` : `exited with code ${t.code}`;
    return { exitCode: EXIT.INCONCLUSIVE, conclusion: `INCONCLUSIVE: the command ${how} and sent nothing: it may have failed before it would have` };
  }
  const local = input.directLoopback ? `; it saw ${input.directLoopback} direct connection${input.directLoopback === 1 ? '' : 's'} to loopback services (--trace-loopback counts them as bypasses)` : '';
  return { exitCode: EXIT.OK, conclusion: `nothing left the machine: no request reached the proxy${stayed} and the tracer saw no outbound connection or DNS lookup${local}` };
}
