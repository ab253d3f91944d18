/**
 * Text of a capture container (an NDJSON line, a HAR or JSON file) decoded without losing a
 * byte. A body inside the container is a JSON string, so the container must be decoded before
 * it is parsed; decoding invalid UTF-8 the usual way would turn the body's bad bytes into
 * U+FFFD and hide from the engine that the body was never text. Instead each invalid byte
 * becomes a private-use stand-in that `bytesOf` turns back into the very byte, so the body the
 * engine audits is exactly what was captured and fails its strict UTF-8 check like a bare one.
 */

export interface ContainerText {
  text: string;
  /** The container held bytes that are not UTF-8. */
  invalidUtf8: boolean;
  /** Byte offset of the first invalid byte, when there is one. */
  firstInvalidOffset?: number;
  /** The bytes a string taken from `text` stood for (stand-ins back to the raw bytes). */
  bytesOf(s: string): Buffer;
  /** False when invalid bytes could not be given stand-ins (they became U+FFFD). */
  exact: boolean;
}

// Plane 16 private use: U+100000 + byte. Chosen because real payloads do not use it; when one
// does, the stand-ins are not used (see below) and the caller is told the container is invalid.
const STAND_IN_BASE = 0x100000;
const STAND_IN_RE = /[\u{100000}-\u{1000FF}]/u;
const STAND_IN_SPLIT = /([\u{100000}-\u{1000FF}]+)/u;

const strict = new TextDecoder('utf-8', { fatal: true });

const plainBytes = (s: string): Buffer => Buffer.from(s, 'utf8');

export function decodeContainer(bytes: Uint8Array): ContainerText {
  try {
    return { text: strict.decode(bytes), invalidUtf8: false, bytesOf: plainBytes, exact: true };
  } catch {
    // Slow path, only for containers that are not UTF-8.
  }
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pieces: string[] = [];
  let runStart = 0;
  let first: number | undefined;
  let i = 0;
  while (i < buf.length) {
    const len = validSequenceLength(buf, i);
    if (len > 0) {
      i += len;
      continue;
    }
    if (first === undefined) first = i;
    if (runStart < i) pieces.push(buf.toString('utf8', runStart, i));
    pieces.push(String.fromCodePoint(STAND_IN_BASE + buf[i]!));
    i++;
    runStart = i;
  }
  if (runStart < buf.length) pieces.push(buf.toString('utf8', runStart));
  const text = pieces.join('');
  // A container that already used the stand-in range cannot be restored unambiguously: keep
  // the usual replacement characters; the caller still reports the container as invalid.
  if (STAND_IN_RE.test(buf.toString('utf8'))) {
    return { text: buf.toString('utf8'), invalidUtf8: true, ...(first !== undefined ? { firstInvalidOffset: first } : {}), bytesOf: plainBytes, exact: false };
  }
  return { text, invalidUtf8: true, ...(first !== undefined ? { firstInvalidOffset: first } : {}), bytesOf: restoreBytes, exact: true };
}

/** True when a string taken from the container holds a stand-in for an invalid byte. */
export function hasStandIn(s: string): boolean {
  return STAND_IN_RE.test(s);
}

function restoreBytes(s: string): Buffer {
  if (!STAND_IN_RE.test(s)) return Buffer.from(s, 'utf8');
  const out: Buffer[] = [];
  for (const [i, piece] of s.split(STAND_IN_SPLIT).entries()) {
    if (i % 2 === 0) out.push(Buffer.from(piece, 'utf8'));
    else out.push(Buffer.from(Array.from(piece, (ch) => ch.codePointAt(0)! - STAND_IN_BASE)));
  }
  return Buffer.concat(out);
}

const isCont = (b: number | undefined): boolean => b !== undefined && b >= 0x80 && b <= 0xbf;

/** Length of the well-formed UTF-8 sequence at i (Unicode table 3-7), or 0 when there is none. */
function validSequenceLength(b: Buffer, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  if (c >= 0xc2 && c <= 0xdf) return isCont(b[i + 1]) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const lo = c === 0xe0 ? 0xa0 : 0x80;
    const hi = c === 0xed ? 0x9f : 0xbf;
    const c1 = b[i + 1];
    return c1 !== undefined && c1 >= lo && c1 <= hi && isCont(b[i + 2]) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const lo = c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xf4 ? 0x8f : 0xbf;
    const c1 = b[i + 1];
    return c1 !== undefined && c1 >= lo && c1 <= hi && isCont(b[i + 2]) && isCont(b[i + 3]) ? 4 : 0;
  }
  return 0;
}
