/**
 * Lines of the NDJSON capture format as requests. Pure (no file system), so the thread that
 * reads a capture and an audit worker handed its raw lines turn the same bytes into the same
 * requests, with the same ids, origins and errors.
 */
import type { CaptureFormat, CaptureOrigin, CapturedRequest } from './captured-request.js';
import { CaptureRecordError, requestFromCaptureLine } from './capture-record.js';
import { InputError } from './input-error.js';
import { linesOfBlock, type LineBlock } from './line-splitter.js';

/** Where a request was read, as ids and origins name it. */
export interface ReadPlace {
  /** The source as the user will recognise it, or "-". */
  display: string;
  stdin: boolean;
}

/** Whole lines of a capture file, not yet parsed, and what their requests need to be named. */
export interface CaptureLines {
  place: ReadPlace;
  /** When the source was read: the time of a record that has none. */
  readAt: string;
  block: LineBlock;
}

export function isCaptureLines(unit: CapturedRequest | CaptureLines): unit is CaptureLines {
  return 'block' in unit;
}

export type Where = { line?: number; entry?: number; frame?: number };

export function originAt(place: ReadPlace, format: CaptureFormat, where: Where): CaptureOrigin {
  return place.stdin ? { kind: 'stdin', format, ...where } : { kind: 'file', file: place.display, format, ...where };
}

export function idAt(place: ReadPlace, where: Where): string {
  let id = place.display;
  if (where.line !== undefined) id += `:${where.line}`;
  if (where.entry !== undefined) id += `#${where.entry}`;
  if (where.frame !== undefined) id += `.${where.frame}`;
  return id;
}

export function bareRequest(place: ReadPlace, body: Uint8Array, where: Where, format: CaptureFormat, time: string): CapturedRequest {
  return { id: idAt(place, where), time, method: 'POST', url: null, headers: [], body, transport: 'http', origin: originAt(place, format, where) };
}

/**
 * The requests of a run of capture lines, in order; blank lines are skipped. A line that is not
 * a capture record is audited as a bare payload; a malformed record ends the input (InputError)
 * after the requests before it.
 */
export function* requestsOfCaptureLines({ place, readAt, block }: CaptureLines): Generator<CapturedRequest> {
  for (const line of linesOfBlock(block)) {
    // A record starts with "{": only other lines need decoding to see whether they are blank.
    if (line.bytes[0] !== 0x7b && line.bytes.toString('utf8').trim() === '') continue;
    const where = { line: line.number };
    let request: CapturedRequest | null;
    try {
      request = requestFromCaptureLine(line.bytes, { id: idAt(place, where), time: readAt, origin: originAt(place, 'ndjson', where) });
    } catch (err) {
      if (err instanceof CaptureRecordError) throw new InputError(`${place.display}:${line.number}: malformed capture record: ${err.message}`);
      throw err;
    }
    // A line that is not a capture record is still audited: as a bare payload, so a corrupt or
    // foreign line becomes a finding with its position rather than a skip.
    yield request ?? bareRequest(place, line.bytes, where, 'ndjson', readAt);
  }
}
