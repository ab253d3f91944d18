/**
 * The tool's own capture format: NDJSON, one request a line, readable by people and by `jq`.
 * The body is text when it is valid UTF-8 and base64 otherwise, so bytes survive exactly.
 *
 *   {"id":"…","time":"…","method":"POST","url":"https://…","transport":"http",
 *    "headers":[["content-type","application/json"]],"body":"{…}","origin":{…}}
 */
import type { CaptureOrigin, CapturedRequest, Transport } from './captured-request.js';

export interface CaptureRecord {
  id?: string;
  time?: string;
  method: string;
  url: string | null;
  transport: Transport;
  headers: Array<[string, string]>;
  body?: string;
  bodyBase64?: string;
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

export function serializeCaptureLine(request: CapturedRequest): string {
  return JSON.stringify(toCaptureRecord(request)) + '\n';
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
    (v.bodyBase64 === undefined || typeof v.bodyBase64 === 'string')
  );
}

export class CaptureRecordError extends Error {}

/** Validate a record in detail; a malformed record is an input error with a precise message. */
export function fromCaptureRecord(record: CaptureRecord, fallback: { id: string; time: string; origin: CaptureOrigin }): CapturedRequest {
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
    body = Buffer.from(record.body ?? '', 'utf8');
  }
  if (record.time !== undefined && Number.isNaN(Date.parse(record.time))) {
    throw new CaptureRecordError(`"time" is not a timestamp`);
  }
  return {
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
