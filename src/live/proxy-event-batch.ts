/**
 * How a batch of proxy events crosses from the proxy's thread to the thread that audits them:
 * the bodies in one transferred buffer (see packed-bodies.ts), not structured-cloned one by one,
 * which copied each body's whole backing store on the way out and again on the way in; and each
 * request's other fields as a run of strings in one flat array, not as the request object: the
 * structured clone walks, tags and rebuilds every object (request, header pairs, origin, event)
 * and cost about 3x the flat array per request, on both threads (bench proxy-throughput).
 * Events keep their order, and every request arrives field for field and its body byte for byte
 * (test/live/proxy-event-batch.test.ts).
 */
import type { FeedEvent } from '../capture/capture-feed.js';
import type { CaptureOrigin, CapturedRequest, Transport } from '../capture/captured-request.js';
import { packBodies } from '../capture/packed-bodies.js';

export interface ProxyEventItem {
  event: FeedEvent;
  /** The client's pid, when its preload named it: the receiving thread makes the origin. */
  pid?: number;
}

export interface PackedEvents {
  /**
   * The events in order. `null` is a request packed flat (its fields are the next run of
   * `flat`); anything else travels as itself (a request without its body: see packedFlat).
   */
  items: Array<ProxyEventItem | null>;
  /**
   * Each flat request's fields back to back: id, time, method, url (null: unknown), transport,
   * connection (null: none), pid (0: none), the number of headers, then each header's name and value.
   */
  flat: Array<string | number | null>;
  /** Every request body of the batch, back to back, in the order of the request events (see packBodies). */
  bodies: ArrayBuffer;
  ends: Uint32Array;
}

/** The fields of a request the proxy makes, in its order: a request with any other is sent as an object. */
const FLAT_FIELDS = new Set(['id', 'time', 'method', 'url', 'headers', 'body', 'transport', 'origin', 'connection']);

/** Whether the flat form holds all of `request`: the proxy's own fields, an origin of a pid at most. */
function packedFlat(request: CapturedRequest, pid: number | undefined): boolean {
  for (const key in request) if (!FLAT_FIELDS.has(key)) return false;
  const o = request.origin;
  if (o.kind !== 'process' || o.pid !== pid) return false;
  for (const key in o) if (key !== 'kind' && key !== 'pid') return false;
  return true;
}

/**
 * Pack a batch for postMessage; pass `transfer` as the transfer list. The events are given
 * away: their request bodies are taken out of them.
 */
export function packEvents(items: ProxyEventItem[]): { packed: PackedEvents; transfer: ArrayBuffer[] } {
  const requests: CapturedRequest[] = [];
  const out: Array<ProxyEventItem | null> = [];
  const flat: Array<string | number | null> = [];
  for (const item of items) {
    const { event } = item;
    if (event.type !== 'request') {
      out.push(item);
      continue;
    }
    const r = event.request;
    requests.push(r);
    if (!packedFlat(r, item.pid)) {
      out.push(item);
      continue;
    }
    out.push(null);
    flat.push(r.id, r.time, r.method, r.url, r.transport, r.connection ?? null, item.pid ?? 0, r.headers.length);
    for (const [name, value] of r.headers) flat.push(name, value);
  }
  const { bodies, ends } = packBodies(requests);
  // Not cloned: the receiver puts a view into `bodies` here.
  for (const request of requests) (request as { body: Uint8Array | undefined }).body = undefined;
  return { packed: { items: out, flat, bodies, ends }, transfer: [bodies] };
}

const processOrigin = (pid: number | undefined): CaptureOrigin => ({ kind: 'process', ...(pid ? { pid } : {}) });

/**
 * The events of a packed batch, each request with its body again (a view into the batch's
 * buffer) and, when `origin` is given, the origin it makes from the client's pid.
 */
export function unpackEvents(packed: PackedEvents, origin?: (pid: number | undefined) => CaptureOrigin): ProxyEventItem[] {
  const out: ProxyEventItem[] = [];
  const f = packed.flat;
  let k = 0;
  let at = 0;
  let i = 0;
  for (const item of packed.items) {
    let next: ProxyEventItem;
    if (item === null) {
      const id = f[i++] as string;
      const time = f[i++] as string;
      const method = f[i++] as string;
      const url = f[i++] as string | null;
      const transport = f[i++] as Transport;
      const connection = f[i++] as string | null;
      const pid = (f[i++] as number) || undefined;
      const count = f[i++] as number;
      const headers: Array<[string, string]> = [];
      for (let h = 0; h < count; h++, i += 2) headers.push([f[i] as string, f[i + 1] as string]);
      // The key order of the proxy's requests (proxy.ts): saved captures and reports read the same.
      const request: CapturedRequest = { id, time, method, url, headers, body: EMPTY, transport, origin: (origin ?? processOrigin)(pid), ...(connection !== null ? { connection } : {}) };
      next = { event: { type: 'request', request }, ...(pid ? { pid } : {}) };
    } else {
      next = item;
      if (origin && item.event.type === 'request') item.event.request.origin = origin(item.pid);
    }
    if (next.event.type === 'request') {
      const end = packed.ends[k++]!;
      next.event.request.body = new Uint8Array(packed.bodies, at, end - at);
      at = end;
    }
    out.push(next);
  }
  return out;
}

const EMPTY = new Uint8Array(0);
