/**
 * An append-only store of text pieces that keeps memory flat: pieces stay in memory until they
 * add up to a few MiB, then go to a private temp file (0600, removed on close and at exit) and
 * are read back in order. For reports whose header needs the whole run (JUnit's counts) but
 * whose body must not be held whole.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';

const FLUSH_BYTES = 1 << 20;
const MEMORY_BYTES = 8 << 20;

/** A stretch of consecutive pieces: [firstPiece, endPiece) and their bytes [start, end). */
export interface SpoolRange {
  firstPiece: number;
  endPiece: number;
  start: number;
  end: number;
}

export class TextSpool {
  /** Pieces not yet on disk (all of them while the spool fits in memory). */
  private pending: string[] = [];
  private pendingBytes = 0;
  /** Index of pending[0] among every piece appended. */
  private pendingFirst = 0;
  private pieces = 0;
  private bytes = 0;
  private file: { dir: string; fd: number; cleanup: () => void } | null = null;

  /** `memoryBytes`: how much stays in memory before the spool moves to disk. */
  constructor(private readonly memoryBytes = MEMORY_BYTES) {}

  /** Where the spool is on disk, if it went there. */
  get path(): string | null {
    return this.file ? path.join(this.file.dir, 'spool') : null;
  }

  /** Append a piece; returns its index. */
  append(text: string): number {
    this.pending.push(text);
    const n = Buffer.byteLength(text);
    this.pendingBytes += n;
    this.bytes += n;
    if (this.file ? this.pendingBytes >= Math.min(FLUSH_BYTES, this.memoryBytes) : this.bytes >= this.memoryBytes) this.flush();
    return this.pieces++;
  }

  get size(): { pieces: number; bytes: number } {
    return { pieces: this.pieces, bytes: this.bytes };
  }

  private flush(): void {
    if (!this.file) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'telemetry-audit-spool-'));
      const fd = openSync(path.join(dir, 'spool'), 'w+', 0o600);
      const cleanup = () => this.close();
      process.once('exit', cleanup);
      this.file = { dir, fd, cleanup };
    }
    const chunk = Buffer.from(this.pending.join(''));
    let at = 0;
    while (at < chunk.length) at += writeSync(this.file.fd, chunk, at, chunk.length - at);
    this.pendingFirst += this.pending.length;
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** The text of a range, in pieces of at most about 1 MiB. */
  *read(range: SpoolRange): Generator<string> {
    if (!this.file) {
      for (let i = range.firstPiece; i < range.endPiece; i++) yield this.pending[i - this.pendingFirst]!;
      return;
    }
    if (this.pending.length > 0) this.flush();
    const buf = Buffer.allocUnsafe(FLUSH_BYTES);
    const decoder = new StringDecoder('utf8');
    for (let at = range.start; at < range.end; ) {
      const got = readSync(this.file.fd, buf, 0, Math.min(buf.length, range.end - at), at);
      if (got === 0) throw new Error('report spool file ended early');
      at += got;
      yield decoder.write(buf.subarray(0, got));
    }
    const rest = decoder.end();
    if (rest) yield rest;
  }

  close(): void {
    if (!this.file) return;
    const { dir, fd, cleanup } = this.file;
    this.file = null;
    process.removeListener('exit', cleanup);
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}
