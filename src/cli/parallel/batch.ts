/**
 * Requests on their way to an audit worker. A request's body is usually a view into a larger
 * buffer (a read chunk, Node's pool), and structured clone copies a view's whole backing
 * store: so the bodies of a batch are packed into one fresh buffer that is transferred, not
 * copied, and each request carries only its span of it.
 */
import type { CapturedRequest } from '../../capture/captured-request.js';
import type { RequestResult } from '../../engine/audit-request.js';

export interface BatchMessage {
  id: number;
  requests: Array<Omit<CapturedRequest, 'body'>>;
  /** Every body, back to back; request i's body is bodies[ends[i-1] .. ends[i]). */
  bodies: ArrayBuffer;
  ends: Uint32Array;
}

/** What the worker sends back per request: everything the result has beyond the request. */
export type AuditedSlim = Pick<RequestResult, 'kind' | 'verdict' | 'findings' | 'skipReason'>;

export type BatchReply = { id: number; results: AuditedSlim[] } | { id: number; error: string };

export function packBatch(id: number, requests: readonly CapturedRequest[]): { message: BatchMessage; transfer: ArrayBuffer[] } {
  let total = 0;
  for (const r of requests) total += r.body.length;
  const bodies = new Uint8Array(total);
  const ends = new Uint32Array(requests.length);
  let at = 0;
  const slim = requests.map((r, i) => {
    bodies.set(r.body, at);
    at += r.body.length;
    ends[i] = at;
    const { body: _body, ...rest } = r;
    return rest;
  });
  return { message: { id, requests: slim, bodies: bodies.buffer, ends }, transfer: [bodies.buffer] };
}

export function unpackBatch(msg: BatchMessage): CapturedRequest[] {
  let start = 0;
  return msg.requests.map((r, i) => {
    const end = msg.ends[i]!;
    const body = Buffer.from(msg.bodies, start, end - start);
    start = end;
    return { ...r, body } as CapturedRequest;
  });
}

/** The result as the main thread would have made it: its own request, the worker's verdict. */
export function joinResult(request: CapturedRequest, slim: AuditedSlim): RequestResult {
  const result: RequestResult = { request, kind: slim.kind, verdict: slim.verdict, findings: slim.findings };
  if (slim.skipReason !== undefined) result.skipReason = slim.skipReason;
  return result;
}
