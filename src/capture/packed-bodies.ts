/**
 * Request bodies on their way to another thread. Structured clone copies each body's whole
 * backing store (often an 8 KiB pool slab or a whole read chunk for a 300-byte body), so the
 * bodies of a batch are copied once, back to back, into one fresh buffer that is transferred
 * (moved, not copied); the receiver reads each body as a view into it. Used by the proxy's
 * thread hand-off and the audit workers' batches.
 */

/** Every body back to back; body i is bodies[ends[i-1] .. ends[i]). */
export function packBodies(items: ReadonlyArray<{ body: Uint8Array }>): { bodies: ArrayBuffer; ends: Uint32Array } {
  let total = 0;
  for (const r of items) total += r.body.length;
  const bodies = new Uint8Array(total);
  const ends = new Uint32Array(items.length);
  let at = 0;
  for (const [i, r] of items.entries()) {
    bodies.set(r.body, at);
    at += r.body.length;
    ends[i] = at;
  }
  return { bodies: bodies.buffer, ends };
}
