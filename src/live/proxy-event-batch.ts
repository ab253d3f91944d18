/**
 * How a batch of proxy events crosses from the proxy's thread to the thread that audits them:
 * the bodies in one transferred buffer (see packed-bodies.ts), not structured-cloned one by one,
 * which copied each body's whole backing store on the way out and again on the way in. Events
 * keep their order, and every body arrives byte for byte (test/live/proxy-event-batch.test.ts).
 */
import type { FeedEvent } from '../capture/capture-feed.js';
import { packBodies } from '../capture/packed-bodies.js';

export interface ProxyEventItem {
  event: FeedEvent;
  /** The client's pid, when its preload named it: the receiving thread makes the origin. */
  pid?: number;
}

export interface PackedEvents {
  /** The events in order; each request's body is left out (it travels in `bodies`). */
  items: ProxyEventItem[];
  /** Every request body of the batch, back to back, in the order of the request events (see packBodies). */
  bodies: ArrayBuffer;
  ends: Uint32Array;
}

/**
 * Pack a batch for postMessage; pass `transfer` as the transfer list. The events are given
 * away: their request bodies are taken out of them.
 */
export function packEvents(items: ProxyEventItem[]): { packed: PackedEvents; transfer: ArrayBuffer[] } {
  const requests = items.flatMap(({ event }) => (event.type === 'request' ? [event.request] : []));
  const { bodies, ends } = packBodies(requests);
  // Not cloned: the receiver puts a view into `bodies` here.
  for (const request of requests) (request as { body: Uint8Array | undefined }).body = undefined;
  return { packed: { items, bodies, ends }, transfer: [bodies] };
}

/** The events of a packed batch, each request with its body again (a view into the batch's buffer). */
export function unpackEvents(packed: PackedEvents): ProxyEventItem[] {
  let k = 0;
  let at = 0;
  for (const { event } of packed.items) {
    if (event.type !== 'request') continue;
    const end = packed.ends[k++]!;
    event.request.body = new Uint8Array(packed.bodies, at, end - at);
    at = end;
  }
  return packed.items;
}
