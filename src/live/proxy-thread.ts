/**
 * The intercepting proxy in a worker thread. Reading HTTP and TLS is one job and auditing,
 * reporting and drawing the TUI another: on their own thread the proxy answers the target at
 * once however busy the consumer is, and the two use two cores. Events cross by postMessage;
 * the proxy itself is the same startProxy() (proxy-thread-worker.ts runs it).
 */
import { Worker } from 'node:worker_threads';
import type { FeedEvent } from '../capture/capture-feed.js';
import type { CaptureOrigin } from '../capture/captured-request.js';
import type { CertificateAuthority } from './ca.js';
import type { FakeResponse } from './fake-response.js';
import { unpackEvents, type PackedEvents } from './proxy-event-batch.js';
import { ProxyStartError, type InterceptingProxy } from './proxy.js';

export interface ProxyThreadOptions {
  /** The CA, made by this thread; the worker loads it from its files. */
  ca: CertificateAuthority;
  host?: string | undefined;
  port?: number | undefined;
  allowRemoteClients?: boolean | undefined;
  respond?: FakeResponse | undefined;
  transparentSocket?: string | undefined;
  warmHosts?: readonly string[] | undefined;
  origin?: (pid: number | undefined) => CaptureOrigin;
  emit(event: FeedEvent): void;
}

/** What the worker is given (plain data only). */
export interface ProxyWorkerData {
  caDir: string;
  host?: string | undefined;
  port?: number | undefined;
  allowRemoteClients?: boolean | undefined;
  respond?: FakeResponse | undefined;
  transparentSocket?: string | undefined;
  warmHosts?: readonly string[] | undefined;
}

export type ProxyWorkerMessage =
  | { type: 'ready'; host: string; port: number; url: string }
  | { type: 'failed'; message: string }
  /** Events in the order they happened, batched per turn of the worker's event loop. */
  | { type: 'events'; packed: PackedEvents }
  | { type: 'stats'; stats: InterceptingProxy['stats'] }
  | { type: 'drained' }
  | { type: 'closed' };

export type ProxyWorkerCommand = { type: 'drain'; maxMs: number } | { type: 'close' };

export async function startProxyThread(opts: ProxyThreadOptions): Promise<InterceptingProxy> {
  const workerData: ProxyWorkerData = { caDir: opts.ca.dir, host: opts.host, port: opts.port, allowRemoteClients: opts.allowRemoteClients, respond: opts.respond, transparentSocket: opts.transparentSocket, warmHosts: opts.warmHosts };
  const worker = new Worker(new URL('./proxy-thread-worker.js', import.meta.url), { workerData });
  const stats = { requests: 0, tunnels: 0, refusedClients: 0 };
  const waiting = new Map<string, Array<() => void>>();
  const settle = (type: string): void => {
    for (const f of waiting.get(type) ?? []) f();
    waiting.delete(type);
  };
  const when = (type: string): Promise<void> => new Promise((r) => waiting.set(type, [...(waiting.get(type) ?? []), r]));
  let exited = false;

  const ready = new Promise<{ host: string; port: number; url: string }>((resolve, reject) => {
    worker.on('message', (m: ProxyWorkerMessage) => {
      switch (m.type) {
        case 'ready':
          return resolve(m);
        case 'failed':
          return reject(new ProxyStartError(m.message));
        case 'events':
          // Bodies arrive as plain Uint8Arrays (views into the batch's buffer); origins are made here.
          for (const { event: e } of unpackEvents(m.packed, opts.origin)) {
            if (e.type === 'request') stats.requests++;
            opts.emit(e);
          }
          return;
        case 'stats':
          Object.assign(stats, m.stats);
          return;
        default:
          return settle(m.type);
      }
    });
    worker.once('error', (err) => reject(new ProxyStartError(`the proxy thread failed: ${err.message}`)));
    worker.once('exit', () => {
      exited = true;
      reject(new ProxyStartError('the proxy thread exited before it listened'));
      settle('drained');
      settle('closed');
    });
  });
  const where = await ready.catch(async (err: unknown) => {
    await worker.terminate();
    throw err;
  });
  const send = (c: ProxyWorkerCommand): void => {
    if (!exited) worker.postMessage(c);
  };
  let closing: Promise<void> | null = null;
  return {
    ...where,
    stats,
    async drain(maxMs: number) {
      if (exited) return;
      const done = when('drained');
      send({ type: 'drain', maxMs });
      await done;
    },
    close() {
      closing ??= (async () => {
        if (!exited) {
          const done = when('closed');
          send({ type: 'close' });
          await done;
        }
        await worker.terminate();
      })();
      return closing;
    },
  };
}
