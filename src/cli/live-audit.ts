/**
 * A live feed audited on the command line (`run`, `serve`): every request through the same
 * AuditRun as `audit`, each would-be payload printed as it arrives, every capture written to
 * --save at once (so the file is valid after a crash or Ctrl-C) and to --har at the end.
 * Connection events (bypasses, refused CAs) become results with their finding.
 */
import type { CaptureFeed, FeedEvent } from '../capture/capture-feed.js';
import type { CaptureOrigin, CapturedRequest } from '../capture/captured-request.js';
import type { RequestResult } from '../engine/audit-request.js';
import { connectionResult } from '../live/connection-result.js';
import type { FakeResponse } from '../live/fake-response.js';
import type { LiveSession } from '../live/live-session.js';
import type { TargetExit } from '../live/run-target.js';
import type { Containment } from '../live/sealed/sealed-target.js';
import { formatWouldBePayload } from '../live/payload-view.js';
import { COLOR, PLAIN, colorEnabled } from '../report/style.js';
import type { AuditRun } from './audit-run.js';
import type { AuditPool } from './parallel/audit-pool.js';
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
  /** Threads the audit may use once it falls behind the proxy (`--jobs`; default 1: in line). */
  jobs?: number;
}

/** Requests waiting beyond this many: the audit has fallen behind the proxy. */
const BEHIND = 256;
/** Requests per batch sent to an audit worker. */
const BATCH = 128;

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
  /** Requests audited on the worker pool (the rest in line, as they arrived). */
  pooled = 0;
  /** Opened the first time the audit falls behind; null when it cannot be used (or failed). */
  private pool: Promise<AuditPool | null> | null = null;
  private poolFailed = false;

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

  /**
   * What `run` and `browse` do once their session exists: open the capture files (stopping the
   * session if they cannot be written, so no proxy outlives the error), attach to the session,
   * begin the report and say where the proxy and CA are.
   */
  static async startOn(session: LiveSession, run: AuditRun, io: CliIO, opts: LiveAuditOptions): Promise<LiveAudit> {
    let live: LiveAudit;
    try {
      live = LiveAudit.open(run, io, opts);
    } catch (err) {
      await session.stop();
      throw err;
    }
    live.attach(session);
    await run.begin();
    await live.status(`proxy ${session.proxy.url}, CA ${session.ca.certPath}`);
    return live;
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
        const burst = this.pending.length - head > BEHIND ? await this.poolFor() : null;
        const requests = burst ? this.requestsAt(head, burst.jobs) : [];
        if (burst && requests.length > 1) {
          head += requests.length;
          await this.handleRequests(requests, burst.pool);
        } else await this.handle(this.pending[head++]!);
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

  /** The pool and its size, opened the first time the audit falls behind; null: audit in line. */
  private async poolFor(): Promise<{ pool: AuditPool; jobs: number } | null> {
    const jobs = this.opts.jobs ?? 1;
    if (jobs <= 1 || this.poolFailed) return null;
    this.pool ??= this.run.openPool(jobs);
    const pool = await this.pool;
    return pool ? { pool, jobs } : null;
  }

  /** The run of request events from `head` (up to a batch per worker), in arrival order. */
  private requestsAt(head: number, jobs: number): CapturedRequest[] {
    const out: CapturedRequest[] = [];
    for (let i = head; i < this.pending.length && out.length < BATCH * jobs; i++) {
      const e = this.pending[i]!;
      if (e.type !== 'request') break;
      out.push(e.request);
    }
    return out;
  }

  /**
   * A burst of requests audited on the pool, one batch per worker, then reported in arrival
   * order exactly as in line. If the pool fails, the burst (and the rest of the run) is
   * audited in line: nothing is lost.
   */
  private async handleRequests(requests: CapturedRequest[], pool: AuditPool): Promise<void> {
    this.requests += requests.length;
    // Written before anything else: a capture survives even if the audit or output fails.
    for (const r of requests) this.files.add(r);
    let results: RequestResult[];
    try {
      const size = Math.ceil(requests.length / Math.ceil(requests.length / BATCH));
      const batches: Array<Promise<RequestResult[]>> = [];
      for (let i = 0; i < requests.length; i += size) batches.push(pool.audit(requests.slice(i, i + size)));
      results = (await Promise.all(batches)).flat();
      this.pooled += results.length;
    } catch (err) {
      this.poolFailed = true;
      await this.status(`the audit workers failed (${(err as Error)?.message ?? String(err)}); auditing in line`, true);
      results = requests.map((r) => this.run.audit(r));
    }
    for (const result of results) await this.report(result);
  }

  private async report(result: RequestResult): Promise<void> {
    if (this.run.settings.format === 'text' && !this.run.settings.quiet) {
      await writeOut(this.io.stdout, formatWouldBePayload(result, { showEvidence: this.run.settings.showEvidence, style: this.style }));
    }
    await this.run.addResult(result);
  }

  private async handle(event: FeedEvent): Promise<void> {
    switch (event.type) {
      case 'request': {
        this.requests++;
        // Written before anything else: a capture survives even if the audit or output fails.
        this.files.add(event.request);
        await this.report(this.run.audit(event.request));
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
    await (await this.pool)?.close();
    this.pool = null;
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
  /** How the run was contained (default: from the tracer, as before sealed runs). */
  containment?: Containment;
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
  const sealed = input.containment === 'sealed';
  if (!sealed && !input.trace.active) {
    return { exitCode: EXIT.INCONCLUSIVE, conclusion: `INCONCLUSIVE: the run was not contained (proxy only): no request reached the proxy${stayed}, and connections that bypass it could not be seen (${input.trace.reason ?? 'no tracer'})` };
  }
  if (t && t.stoppedBy === null && (t.code !== 0 || t.signal !== null)) {
    const how = t.signal ? `was killed by ${t.signal}` : `exited with code ${t.code}`;
    return { exitCode: EXIT.INCONCLUSIVE, conclusion: `INCONCLUSIVE: the command ${how} and sent nothing: it may have failed before it would have` };
  }
  const local = input.directLoopback ? `; it saw ${input.directLoopback} direct connection${input.directLoopback === 1 ? '' : 's'} to loopback services (--trace-loopback counts them as bypasses)` : '';
  if (sealed) return { exitCode: EXIT.OK, conclusion: `nothing left the machine: the run was sealed in its own network namespace and no request was captured${stayed}` };
  return { exitCode: EXIT.OK, conclusion: `nothing left the machine: no request reached the proxy${stayed} and the tracer saw no outbound connection or DNS lookup${local}` };
}
