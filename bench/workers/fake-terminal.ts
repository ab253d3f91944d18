/**
 * A terminal for the inspector benches: a 120x40 TTY that records when it was last written
 * (and tells listeners each write), and a keyboard whose keys reach Ink as a raw-mode TTY's do.
 */
import { EventEmitter } from 'node:events';

export class Terminal extends EventEmitter {
  readonly isTTY = true;
  readonly columns = 120;
  readonly rows = 40;
  lastWrite = 0;
  writes = 0;
  write(chunk: string | Uint8Array, encoding?: unknown, cb?: unknown): boolean {
    this.lastWrite = performance.now();
    this.writes++;
    this.emit('frame', typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const done = typeof encoding === 'function' ? encoding : cb;
    if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
    return true;
  }
}

export class Keyboard extends EventEmitter {
  readonly isTTY = true;
  private queue: string[] = [];
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  destroy() {}
  read(): string | null {
    return this.queue.shift() ?? null;
  }
  press(key: string) {
    this.queue.push(key);
    this.emit('readable');
  }
}
