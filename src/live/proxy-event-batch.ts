/**
 * How a batch of proxy events crosses from the proxy's thread to the thread that audits them.
 * Structured clone copies each body's whole backing store (often an 8 KiB pool slab for a
 * 300-byte body), once on the way out and once more on the way in, with a malloc per body on
 * the receiving side. Here the bodies of a batch are copied once into one buffer that is
 * transferred (moved, not copied); the receiver reads each body as a view into it. Events keep
 * their order, and every body arrives byte for byte (test/live/proxy-event-batch.test.ts).
 */
import type { FeedEvent } from '../capture/capture-feed.js';

export interface ProxyEventItem {
  event: FeedEvent;
  /** The client's pid, when its preload named it: the receiving thread makes the origin. */
  pid?: number;
}

export interface PackedEvents {
  /** The events in order; each request's body is left out (it travels in `bodies`). */
  items: ProxyEventItem[];
  /** Every request body of the batch, back to back, in the order of the request events. */
  bodies: ArrayBuffer;
  /** The length of each request body in `bodies`, in the same order. */
  lengths: number[];
}

/**
 * Pack a batch for postMessage; pass `transfer` as the transfer list. The events are given
 * away: their request bodies are taken out of them.
 */
export function packEvents(items: ProxyEventItem[]): { packed: PackedEvents; transfer: ArrayBuffer[] } {
  const lengths: number[] = [];
  let total = 0;
  for (const { event } of items) {
    if (event.type !== 'request') continue;
    lengths.push(event.request.body.byteLength);
    total += event.request.body.byteLength;
  }
  const bodies = new ArrayBuffer(total);
  const bytes = new Uint8Array(bodies);
  let at = 0;
  for (const { event } of items) {
    if (event.type !== 'request') continue;
    bytes.set(event.request.body, at);
    at += event.request.body.byteLength;
    // Not cloned: the receiver puts a view into `bodies` here.
    (event.request as { body: Uint8Array | undefined }).body = undefined;
  }
  return { packed: { items, bodies, lengths }, transfer: [bodies] };
}

/** The events of a packed batch, each request with its body again (a view into the batch's buffer). */
export function unpackEvents(packed: PackedEvents): ProxyEventItem[] {
  let k = 0;
  let at = 0;
  for (const { event } of packed.items) {
    if (event.type !== 'request') continue;
    const length = packed.lengths[k++]!;
    event.request.body = new Uint8Array(packed.bodies, at, length);
    at += length;
  }
  return packed.items;
}
