/**
 * The tool's own capture format: NDJSON, one request a line, readable by people and by `jq`.
 * The body is text when it is valid UTF-8 and base64 otherwise, so bytes survive exactly.
 *
 *   {"id":"…","time":"…","method":"POST","url":"https://…","transport":"http",
 *    "headers":[["content-type","application/json"]],"body":"{…}","origin":{…}}
 */
import type { CaptureOrigin, CapturedRequest, Transport } from './captured-request.js';
import { withContainerProblems } from './container-problems.js';
import { decodeContainer } from './container-text.js';
import { parseJson } from '../json/json-parse.js';

/**
 * The longest NDJSON line the tool reads, and so the longest it writes: `run --save` and the
 * readers (replay, `inspect --follow`) share this one cap.
 */
export const MAX_CAPTURE_LINE_BYTES = 64 * 1024 * 1024;

export interface CaptureRecord {
  id?: string;
  time?: string;
  method: string;
  url: string | null;
  transport: Transport;
  headers: Array<[string, string]>;
  body?: string;
  bodyBase64?: string;
  /** The body was cut to fit the line cap when saved; this many bytes were captured. */
  bodyCutFrom?: number;
  origin?: CaptureOrigin;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function toCaptureRecord(request: CapturedRequest): CaptureRecord {
  const record: CaptureRecord = {
    id: request.id,
    time: request.time,
    method: request.method,
    url: request.url,
    transport: request.transport,
    headers: request.headers,
  };
  try {
    record.body = utf8.decode(request.body);
  } catch {
    record.bodyBase64 = Buffer.from(request.body).toString('base64');
  }
  record.origin = request.origin;
  return record;
}

/**
 * One line of the capture format, never longer than the readers' cap: a body whose escaped
 * text would overflow it is written as base64 (at most 4/3 of its size, where escaped control
 * characters take 6 bytes each), and a body too large even so is cut, and the record says so,
 * so that reading the file back reports the loss instead of refusing the line.
 */
export function serializeCaptureLine(request: CapturedRequest): string {
  return serializeCaptureLineWithin(request, MAX_CAPTURE_LINE_BYTES);
}

/** serializeCaptureLine under another cap (tests; a separate name so `.map()` cannot pass one). */
export function serializeCaptureLineWithin(request: CapturedRequest, maxLineBytes: number): string {
  const record = toCaptureRecord(request);
  let line = JSON.stringify(record);
  if (Buffer.byteLength(line) < maxLineBytes) return line + '\n';
  const { body: _text, bodyBase64: _b64, origin, ...rest } = record;
  const base64: CaptureRecord = { ...rest, bodyBase64: Buffer.from(request.body).toString('base64'), ...(origin ? { origin } : {}) };
  line = JSON.stringify(base64);
  if (Buffer.byteLength(line) < maxLineBytes) return line + '\n';
  const overhead = Buffer.byteLength(line) - base64.bodyBase64!.length + 64;
  const keep = Math.max(0, Math.floor((maxLineBytes - overhead) / 4) * 3);
  const cut: CaptureRecord = { ...rest, bodyBase64: Buffer.from(request.body.subarray(0, keep)).toString('base64'), bodyCutFrom: request.body.byteLength, ...(origin ? { origin } : {}) };
  return JSON.stringify(cut) + '\n';
}

/** True when a parsed JSON value has the shape of a capture record (not a bare payload). */
export function isCaptureRecord(value: unknown): value is CaptureRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.method === 'string' &&
    (typeof v.url === 'string' || v.url === null) &&
    (v.transport === 'http' || v.transport === 'websocket') &&
    Array.isArray(v.headers) &&
    (v.body === undefined || typeof v.body === 'string') &&
    (v.bodyBase64 === undefined || typeof v.bodyBase64 === 'string') &&
    (v.bodyCutFrom === undefined || typeof v.bodyCutFrom === 'number')
  );
}

export class CaptureRecordError extends Error {}

/**
 * One NDJSON line of the capture format as a request, parsed with the duplicate-aware parser
 * and decoded without losing invalid bytes; null when the line is not a capture record (the
 * caller audits it as a bare payload). A malformed record throws CaptureRecordError.
 */
export function requestFromCaptureLine(bytes: Uint8Array, fallback: { id: string; time: string; origin: CaptureOrigin }): CapturedRequest | null {
  const decoded = decodeContainer(bytes);
  const parsed = parseJson(decoded.text);
  if (!parsed.ok || !isCaptureRecord(parsed.value)) return null;
  return withContainerProblems(fromCaptureRecord(parsed.value, fallback, decoded.bytesOf), decoded, parsed.duplicates);
}

/** Validate a record in detail; a malformed record is an input error with a precise message. */
export function fromCaptureRecord(
  record: CaptureRecord,
  fallback: { id: string; time: string; origin: CaptureOrigin },
  bytesOf: (text: string) => Buffer = (text) => Buffer.from(text, 'utf8'),
): CapturedRequest {
  const headers: Array<[string, string]> = [];
  for (const [i, h] of record.headers.entries()) {
    if (!Array.isArray(h) || h.length !== 2 || typeof h[0] !== 'string' || typeof h[1] !== 'string') {
      throw new CaptureRecordError(`headers[${i}] is not a [name, value] pair of strings`);
    }
    headers.push([h[0], h[1]]);
  }
  if (record.body !== undefined && record.bodyBase64 !== undefined) {
    throw new CaptureRecordError('a record has either "body" or "bodyBase64", not both');
  }
  let body: Uint8Array;
  if (record.bodyBase64 !== undefined) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(record.bodyBase64) || record.bodyBase64.length % 4 !== 0) {
      throw new CaptureRecordError('"bodyBase64" is not valid base64');
    }
    body = Buffer.from(record.bodyBase64, 'base64');
  } else {
    body = bytesOf(record.body ?? '');
  }
  if (record.time !== undefined && Number.isNaN(Date.parse(record.time))) {
    throw new CaptureRecordError(`"time" is not a timestamp`);
  }
  const cut =
    record.bodyCutFrom !== undefined && record.bodyCutFrom > body.byteLength
      ? { containerProblems: [{ rule: 'body/decode-failed' as const, message: `the capture holds only the first ${body.byteLength} of the ${record.bodyCutFrom} bytes of this body (cut to fit the ${MAX_CAPTURE_LINE_BYTES}-byte line cap when it was saved); the rest cannot be audited` }] }
      : {};
  return {
    ...cut,
    // The id is derived from where the record was read, so ids are unique across files;
    // the id recorded at capture time is kept in the origin's process details when present.
    id: fallback.id,
    time: record.time ?? fallback.time,
    method: record.method,
    url: record.url,
    headers,
    body,
    transport: record.transport,
    origin: fallback.origin,
  };
}
