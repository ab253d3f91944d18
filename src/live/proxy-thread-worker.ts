/** Worker-thread side of proxy-thread.ts: run startProxy() and relay its events. */
import { parentPort, workerData } from 'node:worker_threads';
import { loadCertificateAuthority } from './ca.js';
import { startProxy } from './proxy.js';
import type { FeedEvent } from '../capture/capture-feed.js';
import { packEvents, type ProxyEventItem } from './proxy-event-batch.js';
import type { ProxyWorkerCommand, ProxyWorkerData, ProxyWorkerMessage } from './proxy-thread.js';

const data = workerData as ProxyWorkerData;
const port = parentPort!;
let batch: ProxyEventItem[] = [];
let scheduled = false;
const flush = (): void => {
  scheduled = false;
  if (batch.length === 0) return;
  // The bodies move to the other thread in one transferred buffer (proxy-event-batch.ts).
  const { packed, transfer } = packEvents(batch);
  batch = [];
  port.postMessage({ type: 'events', packed } satisfies ProxyWorkerMessage, transfer);
};
// One message per turn of the event loop rather than per event: a burst crosses at once.
const queue = (event: FeedEvent, pid: number | undefined): void => {
  batch.push(pid ? { event, pid } : { event });
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
};
const post = (m: ProxyWorkerMessage): void => {
  flush();
  port.postMessage(m);
};

try {
  const ca = await loadCertificateAuthority(data.caDir);
  const proxy = await startProxy({
    ca,
    host: data.host,
    port: data.port,
    allowRemoteClients: data.allowRemoteClients,
    respond: data.respond,
    transparentSocket: data.transparentSocket,
    ...(data.warmHosts ? { warmHosts: data.warmHosts } : {}),
    // The pid travels next to the event; the owning thread makes the origin.
    origin: (pid) => ({ kind: 'process', ...(pid ? { pid } : {}) }),
    emit: (event) => queue(event, event.type === 'request' && event.request.origin.kind === 'process' ? event.request.origin.pid : undefined),
  });
  post({ type: 'ready', host: proxy.host, port: proxy.port, url: proxy.url });
  port.on('message', (c: ProxyWorkerCommand) => {
    if (c.type === 'drain') {
      void proxy.drain(c.maxMs).then(() => {
        post({ type: 'stats', stats: { ...proxy.stats } });
        post({ type: 'drained' });
      });
    } else if (c.type === 'close') {
      void proxy.close().then(() => {
        post({ type: 'stats', stats: { ...proxy.stats } });
        post({ type: 'closed' });
        port.close();
      });
    }
  });
} catch (err) {
  post({ type: 'failed', message: (err as Error).message });
  port.close();
}
