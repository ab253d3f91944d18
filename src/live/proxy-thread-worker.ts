/** Worker-thread side of proxy-thread.ts: run startProxy() and relay its events. */
import { parentPort, workerData } from 'node:worker_threads';
import { loadCertificateAuthority } from './ca.js';
import { startProxy } from './proxy.js';
import type { ProxyWorkerCommand, ProxyWorkerData, ProxyWorkerMessage } from './proxy-thread.js';

const data = workerData as ProxyWorkerData;
const port = parentPort!;
const post = (m: ProxyWorkerMessage): void => port.postMessage(m);

try {
  const ca = await loadCertificateAuthority(data.caDir);
  const proxy = await startProxy({
    ca,
    host: data.host,
    port: data.port,
    allowRemoteClients: data.allowRemoteClients,
    respond: data.respond,
    // The pid travels next to the event; the owning thread makes the origin.
    origin: (pid) => ({ kind: 'process', ...(pid ? { pid } : {}) }),
    emit: (event) => post({ type: 'event', event, ...(event.type === 'request' && event.request.origin.kind === 'process' && event.request.origin.pid ? { pid: event.request.origin.pid } : {}) }),
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
