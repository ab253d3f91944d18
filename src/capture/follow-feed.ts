/**
 * `inspect --follow FILE`: a CaptureFeed that tails an NDJSON capture as it grows (what
 * `run --save` writes, flushed per request), like `tail -f`. Only complete lines are read; a
 * line still being written waits for its newline. A line that is not a capture record is not
 * skipped: it becomes a bare request the engine audits (and flags), as the replay readers do.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import type { CaptureFeed, FeedEvent } from './capture-feed.js';
import type { CaptureOrigin, CapturedRequest } from './captured-request.js';
import { CaptureRecordError, MAX_CAPTURE_LINE_BYTES, requestFromCaptureLine } from './capture-record.js';

const CHUNK = 256 * 1024;
/** A line longer than this is cut and audited as what it is: not a capture record. */
const MAX_LINE = MAX_CAPTURE_LINE_BYTES;
const CUT_LINE = 1024 * 1024;

export interface FollowOptions {
  pollMs?: number;
  now?: () => Date;
}

export class FollowFeed implements CaptureFeed {
  private readonly listeners = new Set<(event: FeedEvent) => void>();
  private timer: NodeJS.Timeout | undefined;
  private handle: FileHandle | undefined;
  private offset = 0;
  private line = 0;
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private reading: Promise<void> | undefined;
  private stopped = false;
  private waitingSaid = false;
  private readonly pollMs: number;
  private readonly now: () => Date;

  constructor(
    private readonly file: string,
    private readonly display: string,
    opts: FollowOptions = {},
  ) {
    this.pollMs = opts.pollMs ?? 100;
    this.now = opts.now ?? (() => new Date());
  }

  subscribe(listener: (event: FeedEvent) => void): () => void {
    this.listeners.add(listener);
    if (!this.timer && !this.stopped) {
      // The timer never queues reads behind a slow one; only explicit polls do.
      this.timer = setInterval(() => {
        if (!this.reading) void this.poll();
      }, this.pollMs);
      void this.poll();
    }
    return () => this.listeners.delete(listener);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.reading;
    await this.handle?.close().catch(() => {});
    this.handle = undefined;
    this.emit({ type: 'end' });
  }

  /** Read whatever has been appended before this call (resolves when it is read). */
  poll(): Promise<void> {
    // A read already running may have looked before the caller's append: read again after it.
    const tracked: Promise<void> = (this.reading ?? Promise.resolve())
      .then(() => this.readNew())
      .finally(() => {
        if (this.reading === tracked) this.reading = undefined;
      });
    this.reading = tracked;
    return tracked;
  }

  private emit(event: FeedEvent): void {
    for (const l of [...this.listeners]) l(event);
  }

  private async readNew(): Promise<void> {
    if (this.stopped) return;
    const st = await stat(this.file).catch(() => null);
    if (!st) {
      if (!this.waitingSaid) this.emit({ type: 'status', message: `waiting for ${this.display} to appear` });
      this.waitingSaid = true;
      return;
    }
    if (this.waitingSaid) {
      this.waitingSaid = false;
      this.emit({ type: 'status', message: `following ${this.display}` });
    }
    if (st.size < this.offset) {
      // Truncated or replaced: start again from its beginning, and say so.
      this.offset = 0;
      this.line = 0;
      this.partial = [];
      this.partialBytes = 0;
      await this.handle?.close().catch(() => {});
      this.handle = undefined;
      this.emit({ type: 'status', message: `${this.display} was truncated; reading it again from the start` });
    }
    if (st.size === this.offset) return;
    this.handle ??= await open(this.file, 'r');
    const buf = Buffer.allocUnsafe(CHUNK);
    while (!this.stopped) {
      const { bytesRead } = await this.handle.read(buf, 0, CHUNK, this.offset);
      if (bytesRead === 0) break;
      this.offset += bytesRead;
      this.split(buf.subarray(0, bytesRead));
    }
  }

  private split(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl === -1) break;
      let piece = chunk.subarray(start, nl);
      if (this.partial.length > 0) {
        piece = Buffer.concat([...this.partial, piece]);
        this.partial = [];
        this.partialBytes = 0;
      }
      this.line++;
      this.emitLine(piece);
      start = nl + 1;
    }
    const rest = chunk.subarray(start);
    if (rest.length === 0) return;
    this.partial.push(Buffer.from(rest));
    this.partialBytes += rest.length;
    if (this.partialBytes > MAX_LINE) {
      this.line++;
      const cut = Buffer.concat(this.partial).subarray(0, CUT_LINE);
      this.partial = [];
      this.partialBytes = 0;
      this.emit({ type: 'status', message: `${this.display}:${this.line}: a line longer than ${MAX_LINE} bytes; its first ${CUT_LINE} bytes are audited` });
      this.emitLine(cut);
    }
  }

  private emitLine(raw: Buffer): void {
    const bytes = raw.length > 0 && raw[raw.length - 1] === 13 ? raw.subarray(0, -1) : raw;
    const text = bytes.toString('utf8');
    if (text.trim() === '') return;
    const origin: CaptureOrigin = { kind: 'file', file: this.display, format: 'ndjson', line: this.line };
    const id = `${this.display}:${this.line}`;
    const time = this.now().toISOString();
    let request: CapturedRequest | null = null;
    try {
      request = requestFromCaptureLine(bytes, { id, time, origin });
    } catch (err) {
      if (!(err instanceof CaptureRecordError)) throw err;
      this.emit({ type: 'status', message: `${id}: malformed capture record (${err.message}); audited as a bare payload` });
    }
    request ??= { id, time, method: 'POST', url: null, headers: [], body: Buffer.from(bytes), transport: 'http', origin };
    this.emit({ type: 'request', request });
  }
}
