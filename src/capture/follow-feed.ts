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
/** Bytes kept from the start and the end of what was read, to tell a rewritten file. */
const FINGERPRINT = 256;

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
  /** Device and inode of the file being read: a new one under the same name is a rotation. */
  private identity: string | undefined;
  private seen = { size: 0, mtimeMs: 0 };
  private head = Buffer.alloc(0);
  private tail = Buffer.alloc(0);
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
    // Followed by name, like `tail -F`: the path is looked up on every poll, so a rotated file
    // (`mv f f.1`, then a new f) is noticed and the new one read.
    const st = await stat(this.file).catch(() => null);
    if (!st) {
      // Gone (rotated away, not yet recreated): what the old file still held is read first.
      if (this.handle) await this.drainOld();
      if (!this.waitingSaid) this.emit({ type: 'status', message: `waiting for ${this.display} to appear` });
      this.waitingSaid = true;
      return;
    }
    if (this.waitingSaid) {
      this.waitingSaid = false;
      this.emit({ type: 'status', message: `following ${this.display}` });
    }
    const identity = `${st.dev}:${st.ino}`;
    if (this.identity !== undefined && identity !== this.identity) {
      if (this.handle) await this.drainOld();
      this.restart(`${this.display} was replaced by a new file (rotated or recreated); reading the new one from the start`);
    } else if (st.size < this.offset) {
      this.restart(`${this.display} was truncated; reading it again from the start`);
    } else if (this.offset > 0 && (st.size !== this.seen.size || st.mtimeMs !== this.seen.mtimeMs) && !(await this.sameContent())) {
      // Truncated and refilled between two polls, to the same size or larger: the bytes already
      // read are not there any more. Only their start and end are compared, cheaply.
      this.restart(`${this.display} was truncated and rewritten; reading it again from the start`);
    }
    this.identity = identity;
    this.seen = { size: st.size, mtimeMs: st.mtimeMs };
    if (st.size === this.offset) return;
    this.handle ??= await open(this.file, 'r');
    await this.readToEnd();
  }

  /** Read from the open handle to its end (the old file, when it was rotated away). */
  private async readToEnd(): Promise<void> {
    if (!this.handle) return;
    const buf = Buffer.allocUnsafe(CHUNK);
    while (!this.stopped) {
      const { bytesRead } = await this.handle.read(buf, 0, CHUNK, this.offset);
      if (bytesRead === 0) break;
      this.remember(buf.subarray(0, bytesRead));
      this.offset += bytesRead;
      this.split(buf.subarray(0, bytesRead));
    }
  }

  private async drainOld(): Promise<void> {
    await this.readToEnd();
    await this.handle?.close().catch(() => {});
    this.handle = undefined;
  }

  /** Keep the first and the last bytes read, to recognise the same file on the next poll. */
  private remember(chunk: Buffer): void {
    if (this.head.length < FINGERPRINT) this.head = Buffer.concat([this.head, chunk.subarray(0, FINGERPRINT - this.head.length)]);
    this.tail = Buffer.concat([this.tail, chunk]).subarray(-FINGERPRINT);
  }

  private async sameContent(): Promise<boolean> {
    let h: FileHandle | undefined;
    try {
      h = await open(this.file, 'r');
      const head = Buffer.alloc(this.head.length);
      await h.read(head, 0, head.length, 0);
      const tail = Buffer.alloc(this.tail.length);
      await h.read(tail, 0, tail.length, this.offset - this.tail.length);
      return head.equals(this.head) && tail.equals(this.tail);
    } catch {
      return false;
    } finally {
      await h?.close().catch(() => {});
    }
  }

  private restart(message: string): void {
    // An unfinished last line of the old content is audited as what it is, not dropped.
    if (this.partial.length > 0) {
      this.line++;
      this.emitLine(Buffer.concat(this.partial));
    }
    this.offset = 0;
    this.line = 0;
    this.partial = [];
    this.partialBytes = 0;
    this.head = Buffer.alloc(0);
    this.tail = Buffer.alloc(0);
    void this.handle?.close().catch(() => {});
    this.handle = undefined;
    this.emit({ type: 'status', message });
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
