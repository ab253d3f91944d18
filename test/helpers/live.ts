/** Helpers for live-capture tests: loopback servers that count hits, and proxy plumbing. */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import type { FeedEvent } from '../../src/capture/capture-feed.js';
import { traceSupport } from '../../src/live/trace.js';
import { CLI, REPO_ROOT } from './paths.js';
import { tempHome } from './run-cli.js';

/** A TCP server on 127.0.0.1 that counts every connection and answers HTTP with `{}`. */
export async function startCountingUpstream(): Promise<{ port: number; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('{}'));
  });
  server.on('connection', () => hits++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    hits: () => hits,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Open a CONNECT tunnel through the proxy and resolve once it answered 200. */
export function openTunnel(proxyPort: number, authority: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(proxyPort, '127.0.0.1');
    socket.once('error', reject);
    socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
    let head = '';
    const onData = (d: Buffer): void => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.removeListener('data', onData);
      if (!/^HTTP\/1\.1 200/.test(head)) return reject(new Error(`CONNECT refused: ${head}`));
      resolve(socket);
    };
    socket.on('data', onData);
  });
}

/** Collects feed events; `waitFor` polls until a predicate holds (bounded). */
export class EventLog {
  readonly events: FeedEvent[] = [];
  readonly push = (e: FeedEvent): void => void this.events.push(e);

  requests(): Array<Extract<FeedEvent, { type: 'request' }>['request']> {
    return this.events.flatMap((e) => (e.type === 'request' ? [e.request] : []));
  }

  connections(): Array<Extract<FeedEvent, { type: 'connection' }>> {
    return this.events.flatMap((e) => (e.type === 'connection' ? [e] : []));
  }

  async waitFor(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
    const until = Date.now() + ms;
    while (!ok()) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}; events: ${JSON.stringify(this.events.map((e) => e.type === 'request' ? `request ${e.request.method} ${e.request.url}` : e)).slice(0, 2000)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

/** Why strace tests are skipped here, or false when strace works. */
export function traceSkip(): string | false {
  const s = traceSupport();
  return s.available ? false : `strace cannot trace here: ${s.reason}`;
}


/** The built CLI as a long-running child (serve, Ctrl-C tests): output collected as it comes. */
export class CliProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(args: string[], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(process.execPath, [CLI, ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: tempHome(), NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => (this.stdout += d));
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  async waitFor(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
    const until = Date.now() + ms;
    while (!ok()) {
      if (Date.now() > until) {
        this.child.kill('SIGKILL');
        throw new Error(`timed out waiting for ${what}\nstdout: ${this.stdout}\nstderr: ${this.stderr}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
