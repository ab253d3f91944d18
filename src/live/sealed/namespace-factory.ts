/**
 * The tool's side of the namespace factory (factory-source.ts): one Python process per tool
 * process, started on the first sealed target that can use it, that forks a fresh sealed
 * namespace per target. Each namespace is a `FactoryNamespace`: lines to and from its helper, a
 * kill, and the moment its last process is gone. The factory holds the event loop open only
 * while a namespace is alive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { FACTORY_SOURCE } from './factory-source.js';

export interface FactoryNamespace {
  /** A control line to the helper (`go`, `term`, `kill`). */
  send(line: string): void;
  /** SIGKILL the namespace (its PID 1, so everything in it). */
  kill(): void;
}

interface Handlers {
  line(line: string): void;
  /** The namespace's last process is gone (or the factory died: `reason`). */
  closed(reason?: string): void;
}

let current: NamespaceFactory | null = null;

export class NamespaceFactory {
  private readonly control: Socket;
  private readonly handlers = new Map<number, Handlers>();
  private next = 1;
  private buffered = '';
  private stderr = '';
  private dead = false;

  private constructor(private readonly child: ChildProcess) {
    this.control = child.stdio[3] as Socket;
    this.control.setEncoding('utf8');
    this.control.on('data', (chunk: string) => this.onData(chunk));
    this.control.on('error', () => {});
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => {
      this.stderr = (this.stderr + d).slice(-4000);
    });
    child.on('error', (err) => this.die(err.message));
    child.on('close', (code, signal) => this.die(signal ?? `exit ${code}`));
    this.idle();
  }

  /** The factory of this process, started on first use with `python` (an absolute path). */
  static get(python: string): NamespaceFactory {
    if (current && !current.dead) return current;
    const child = spawn(python, ['-I', '-S', '-c', FACTORY_SOURCE, JSON.stringify({ parent: process.pid })], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      // Its own process group: a terminal's Ctrl-C is the tool's to handle (it stops each target).
      detached: true,
      env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' },
    });
    current = new NamespaceFactory(child);
    return current;
  }

  /** Make a namespace and start the helper in it with `cfg` (see ns-helper-source.ts). */
  open(cfg: Record<string, unknown>, handlers: Handlers): FactoryNamespace {
    const id = this.next++;
    if (this.dead) {
      queueMicrotask(() => handlers.closed('the namespace factory is not running'));
      return { send: () => {}, kill: () => {} };
    }
    this.handlers.set(id, handlers);
    this.busy();
    this.write({ op: 'start', id, cfg });
    return {
      send: (line) => this.write({ op: 'send', id, line }),
      kill: () => this.write({ op: 'kill', id }),
    };
  }

  private write(message: object): void {
    if (!this.dead && this.control.writable) this.control.write(JSON.stringify(message) + '\n');
  }

  private onData(chunk: string): void {
    this.buffered += chunk;
    let nl: number;
    while ((nl = this.buffered.indexOf('\n')) !== -1) {
      const line = this.buffered.slice(0, nl);
      this.buffered = this.buffered.slice(nl + 1);
      const sp = line.indexOf(' ');
      const id = Number(line.slice(0, sp));
      const h = this.handlers.get(id);
      if (!h) continue;
      const rest = line.slice(sp + 1);
      if (rest === '{"type":"closed"}') {
        this.handlers.delete(id);
        if (this.handlers.size === 0) this.idle();
        h.closed();
      } else h.line(rest);
    }
  }

  private die(why: string): void {
    if (this.dead) return;
    this.dead = true;
    if (current === this) current = null;
    const reason = `the namespace factory ended (${why})${this.stderr.trim() ? `: ${this.stderr.trim().split('\n').pop()}` : ''}`;
    for (const h of this.handlers.values()) h.closed(reason);
    this.handlers.clear();
  }

  /** Keep the tool alive while a namespace runs, not after. */
  private busy(): void {
    this.child.ref();
    this.control.ref();
  }

  private idle(): void {
    this.child.unref();
    this.control.unref();
    (this.child.stderr as Socket | null)?.unref();
  }
}
