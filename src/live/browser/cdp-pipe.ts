/**
 * A Chrome DevTools Protocol client over `--remote-debugging-pipe`: the browser reads commands
 * from its fd 3 and writes replies and events to its fd 4, each message JSON ended by a NUL.
 * A pipe rather than a debugging port: no listening socket another local process could drive,
 * no port to pick or race for, and the connection dies with the browser.
 */
import type { Readable, Writable } from 'node:stream';

export class CdpError extends Error {
  override name = 'CdpError';
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; method: string };
type Listener = (params: Record<string, unknown>, sessionId: string | undefined) => void;

/** Largest message kept while waiting for its NUL (a page's whole DOM can be big, not endless). */
const MAX_MESSAGE = 64 * 1024 * 1024;

export class CdpPipe {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private chunks: Buffer[] = [];
  private size = 0;
  private closedWith: Error | null = null;

  constructor(
    private readonly toBrowser: Writable,
    fromBrowser: Readable,
  ) {
    fromBrowser.on('data', (d: Buffer) => this.receive(d));
    const closed = () => this.fail(new CdpError('the browser closed its DevTools pipe'));
    fromBrowser.once('end', closed);
    fromBrowser.once('close', closed);
    fromBrowser.on('error', (err) => this.fail(new CdpError(`DevTools pipe: ${err.message}`)));
    toBrowser.on('error', (err) => this.fail(new CdpError(`DevTools pipe: ${err.message}`)));
  }

  /** Send a command (to a page when `sessionId` is given) and wait for its result. */
  send<T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<T> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const id = this.nextId++;
    const message = JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) });
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, method });
      this.toBrowser.write(`${message}\0`);
    });
  }

  /** Listen to an event (`Page.loadEventFired`); returns the unsubscribe. */
  on(method: string, listener: Listener): () => void {
    let set = this.listeners.get(method);
    if (!set) this.listeners.set(method, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  get closed(): boolean {
    return this.closedWith !== null;
  }

  private receive(d: Buffer): void {
    let start = 0;
    for (let nul = d.indexOf(0, start); nul !== -1; nul = d.indexOf(0, start)) {
      this.chunks.push(d.subarray(start, nul));
      const text = Buffer.concat(this.chunks).toString('utf8');
      this.chunks = [];
      this.size = 0;
      start = nul + 1;
      this.dispatch(text);
    }
    if (start < d.length) {
      this.chunks.push(d.subarray(start));
      this.size += d.length - start;
      if (this.size > MAX_MESSAGE) this.fail(new CdpError('the browser sent a DevTools message over 64 MiB'));
    }
  }

  private dispatch(text: string): void {
    let msg: { id?: number; method?: string; params?: Record<string, unknown>; result?: unknown; error?: { message?: string }; sessionId?: string };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      this.fail(new CdpError('the browser sent a DevTools message that is not JSON'));
      return;
    }
    if (typeof msg.id === 'number') {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new CdpError(`${p.method}: ${msg.error.message ?? 'failed'}`));
      else p.resolve(msg.result ?? {});
      return;
    }
    if (msg.method) for (const l of this.listeners.get(msg.method) ?? []) l(msg.params ?? {}, msg.sessionId);
  }

  private fail(err: Error): void {
    if (this.closedWith) return;
    this.closedWith = err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
