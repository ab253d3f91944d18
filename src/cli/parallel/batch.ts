/**
 * Work on its way to an audit worker and results on their way back.
 *
 * Requests the main thread already holds go as a batch: a request's body is usually a view into
 * a larger buffer (a read chunk, Node's pool), and structured clone copies a view's whole
 * backing store, so the bodies of a batch are packed into one fresh buffer that is transferred,
 * not copied, and each request carries only its span of it.
 *
 * Capture lines go raw: the worker parses them into requests itself and sends the requests back
 * with their results, as one compact JSON text (the main thread reads it 2-3 times faster than
 * a structured clone of the same objects) and one transferred buffer of bodies.
 */
import { idAt, originAt, type CaptureLines } from '../../capture/capture-lines.js';
import type { CapturedRequest, Transport } from '../../capture/captured-request.js';
import { packBodies } from '../../capture/packed-bodies.js';
import type { RequestResult, Verdict } from '../../engine/audit-request.js';
import type { Finding } from '../../engine/finding.js';
import type { AuditSummary } from '../../engine/summary.js';

export interface BatchMessage {
  id: number;
  /** Answer with a RenderedReply (the recipe has a RenderPlan), not with results. */
  render?: boolean;
  requests: Array<Omit<CapturedRequest, 'body'>>;
  /** Every body, back to back; request i's body is bodies[ends[i-1] .. ends[i]). */
  bodies: ArrayBuffer;
  ends: Uint32Array;
}

export interface LinesMessage {
  id: number;
  render?: boolean;
  lines: Omit<CaptureLines, 'block'> & { firstLine: number; count: number; bytes: ArrayBuffer };
}

export type WorkMessage = BatchMessage | LinesMessage;

/** What the worker sends back per request: everything the result has beyond the request. */
export type AuditedSlim = Pick<RequestResult, 'kind' | 'verdict' | 'findings' | 'skipReason'>;

export interface SlimReply {
  id: number;
  results: AuditedSlim[];
}

/** Capture lines: `text` is compact JSON (see LinesEntry); `inputError` ends the input after them. */
export interface LinesReply {
  id: number;
  text: string;
  bodies: ArrayBuffer;
  ends: Uint32Array;
  inputError?: string;
}

/**
 * A run of results as the reports need them (see rendered-run.ts): their text per report, their
 * totals, and the results with findings for reports that keep state. `inputError` ends the input
 * after them.
 */
export interface RenderedReply {
  id: number;
  rendered: RenderedWire;
  inputError?: string;
}

export interface RenderedWire {
  count: number;
  summary: AuditSummary;
  /** Per report target, the text of the run (null: the target takes results). */
  pieces: Array<string | null>;
  /** Progress: failing requests, and the source of the last request. */
  failing: number;
  last?: string;
  /** The results with findings: packed as a LinesReply for lines, by index into the batch for a batch. */
  full?: Pick<LinesReply, 'text' | 'bodies' | 'ends'> | Array<[number, AuditedSlim]>;
}

export type BatchReply = SlimReply | LinesReply | RenderedReply | { id: number; error: string };

/**
 * One request read from capture lines and its result, as JSON carries it. The id and origin
 * are not sent: both follow from the line number (see capture-lines.ts). Headers are sent once
 * per block and referred to by index (telemetry repeats the same few header lists).
 * [line, time, method, url, headers, transport, kind, verdict, findings, rest]
 */
type LinesEntry = [number, string, string, string | null, number, Transport, string | null, Verdict, Finding[], Rest | 0];

/** The rare fields: a skip reason, container problems, anything a request may gain later. */
interface Rest {
  skipReason?: string;
  request?: Record<string, unknown>;
}

/** What packLinesReply takes apart and unpackLinesReply puts back together. */
const REQUEST_FIELDS = new Set(['id', 'time', 'method', 'url', 'headers', 'body', 'transport', 'origin']);

export function packBatch(id: number, requests: readonly CapturedRequest[]): { message: BatchMessage; transfer: ArrayBuffer[] } {
  const { bodies, ends } = packBodies(requests);
  const slim = requests.map((r) => {
    const { body: _body, ...rest } = r;
    return rest;
  });
  return { message: { id, requests: slim, bodies, ends }, transfer: [bodies] };
}

export function unpackBatch(msg: BatchMessage): CapturedRequest[] {
  return withBodies(msg.requests, msg.bodies, msg.ends);
}

/** Capture lines as a message: their bytes copied once into a buffer that is transferred. */
export function packLines(id: number, unit: CaptureLines): { message: LinesMessage; transfer: ArrayBuffer[] } {
  const bytes = new Uint8Array(unit.block.bytes.length);
  bytes.set(unit.block.bytes);
  const lines = { place: unit.place, readAt: unit.readAt, firstLine: unit.block.firstLine, count: unit.block.lines, bytes: bytes.buffer };
  return { message: { id, lines }, transfer: [bytes.buffer] };
}

export function unpackLines(msg: LinesMessage): CaptureLines {
  const { place, readAt, firstLine, count, bytes } = msg.lines;
  return { place, readAt, block: { firstLine, lines: count, bytes: Buffer.from(bytes) } };
}

/** The worker's answer for capture lines: compact JSON (see LinesEntry), bodies packed. */
export function packLinesReply(id: number, unit: CaptureLines, results: readonly RequestResult[], inputError?: string): { reply: LinesReply; transfer: ArrayBuffer[] } {
  const { bodies, ends } = packBodies(results.map((r) => r.request));
  const headerIndex = new HeaderLists();
  const headerLists = headerIndex.lists;
  const entries = results.map((r): LinesEntry => {
    const q = r.request;
    const line = (q.origin as { line: number }).line;
    if (q.id !== idAt(unit.place, { line }) || q.origin.kind !== (unit.place.stdin ? 'stdin' : 'file')) throw new Error(`request ${q.id} is not named after its line`);
    const h = headerIndex.of(q.headers);
    let rest: Rest | 0 = 0;
    if (r.skipReason !== undefined) rest = { skipReason: r.skipReason };
    for (const k in q) {
      if (REQUEST_FIELDS.has(k)) continue;
      rest ||= {};
      (rest.request ??= {})[k] = (q as unknown as Record<string, unknown>)[k];
    }
    return [line, q.time, q.method, q.url, h, q.transport, r.kind, r.verdict, r.findings, rest];
  });
  const reply: LinesReply = { id, text: JSON.stringify([headerLists, entries]), bodies, ends };
  if (inputError !== undefined) reply.inputError = inputError;
  return { reply, transfer: [bodies] };
}

/**
 * The distinct header lists of a block, each request's list found by its index. A block of
 * telemetry usually holds a few distinct lists: compared pair by pair with those, a lookup
 * allocates nothing (a key string built per request cost about as much as the rest of packing
 * it). Past a few lists (headers that vary per request), lists are found by a key string.
 */
class HeaderLists {
  readonly lists: Array<Array<[string, string]>> = [];
  private keyed: Map<string, number> | null = null;

  of(headers: Array<[string, string]>): number {
    if (this.keyed === null) {
      for (let i = 0; i < this.lists.length; i++) if (sameHeaders(this.lists[i]!, headers)) return i;
      if (this.lists.length < 8) return this.lists.push(headers) - 1;
      this.keyed = new Map(this.lists.map((list, i) => [headersKey(list), i]));
    }
    const key = headersKey(headers);
    let h = this.keyed.get(key);
    if (h === undefined) {
      h = this.lists.push(headers) - 1;
      this.keyed.set(key, h);
    }
    return h;
  }
}

function headersKey(headers: ReadonlyArray<[string, string]>): string {
  return headers.map(([k, v]) => `${k}\0${v}`).join('\0\0');
}

function sameHeaders(a: ReadonlyArray<[string, string]>, b: ReadonlyArray<[string, string]>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]![0] !== b[i]![0] || a[i]![1] !== b[i]![1]) return false;
  return true;
}

export function unpackLinesReply(unit: CaptureLines, reply: Pick<LinesReply, 'text' | 'bodies' | 'ends'>): RequestResult[] {
  const [headerLists, entries] = JSON.parse(reply.text) as [Array<Array<[string, string]>>, LinesEntry[]];
  const { place } = unit;
  let start = 0;
  return entries.map(([line, time, method, url, h, transport, kind, verdict, findings, rest], i) => {
    const end = reply.ends[i]!;
    const where = { line };
    const request: CapturedRequest = {
      ...(rest !== 0 ? rest.request : undefined),
      id: idAt(place, where),
      time,
      method,
      url,
      headers: headerLists[h]!,
      body: Buffer.from(reply.bodies, start, end - start),
      transport,
      origin: originAt(place, 'ndjson', where),
    };
    start = end;
    const result: RequestResult = { request, kind, verdict, findings };
    if (rest !== 0 && rest.skipReason !== undefined) result.skipReason = rest.skipReason;
    return result;
  });
}

export function slimOf(r: RequestResult): AuditedSlim {
  const slim: AuditedSlim = { kind: r.kind, verdict: r.verdict, findings: r.findings };
  if (r.skipReason !== undefined) slim.skipReason = r.skipReason;
  return slim;
}

/** The result as the main thread would have made it: its own request, the worker's verdict. */
export function joinResult(request: CapturedRequest, slim: AuditedSlim): RequestResult {
  const result: RequestResult = { request, kind: slim.kind, verdict: slim.verdict, findings: slim.findings };
  if (slim.skipReason !== undefined) result.skipReason = slim.skipReason;
  return result;
}

function withBodies(requests: ReadonlyArray<Omit<CapturedRequest, 'body'>>, bodies: ArrayBuffer, ends: Uint32Array): CapturedRequest[] {
  let start = 0;
  return requests.map((r, i) => {
    const end = ends[i]!;
    const body = Buffer.from(bodies, start, end - start);
    start = end;
    return { ...r, body } as CapturedRequest;
  });
}
