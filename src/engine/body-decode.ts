/**
 * Undo Content-Encoding the way the receiving server would, under a size cap: a body the
 * auditor cannot decode is a body it cannot vouch for, so every failure is reported.
 */
import { zlib } from '../runtime/lazy-builtins.js';

export type DecodeResult =
  | { ok: true; bytes: Uint8Array; encodings: string[] }
  | { ok: false; error: string; encodings: string[]; tooLarge?: boolean };

export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

export function decodeBody(body: Uint8Array, contentEncoding: string[], maxBytes = DEFAULT_MAX_BODY_BYTES): DecodeResult {
  // Encodings are listed in the order applied, so they are undone from last to first.
  // Most bodies carry no Content-Encoding: no lists are built for them.
  const encodings =
    contentEncoding.length === 0
      ? []
      : contentEncoding
          .flatMap((v) => v.split(','))
          .map((v) => v.trim().toLowerCase())
          .filter((v) => v !== '' && v !== 'identity');
  let bytes: Uint8Array = body;
  for (let e = encodings.length - 1; e >= 0; e--) {
    const encoding = encodings[e]!;
    try {
      // Loaded only for an encoded body (most captures have none).
      const { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } = zlib();
      const opts = { maxOutputLength: maxBytes };
      switch (encoding) {
        case 'gzip':
        case 'x-gzip':
          bytes = gunzipSync(bytes, opts);
          break;
        case 'deflate':
          // "deflate" is meant to be zlib-wrapped, but some clients send raw deflate.
          try {
            bytes = inflateSync(bytes, opts);
          } catch (err) {
            if (isTooLarge(err)) throw err;
            bytes = inflateRawSync(bytes, opts);
          }
          break;
        case 'br':
          bytes = brotliDecompressSync(bytes, opts);
          break;
        default:
          return { ok: false, error: `unsupported Content-Encoding "${encoding}"`, encodings };
      }
    } catch (err) {
      if (isTooLarge(err)) {
        return { ok: false, error: `decoded body exceeds the ${maxBytes}-byte cap (${encoding})`, encodings, tooLarge: true };
      }
      return { ok: false, error: `cannot decode ${encoding} body: ${(err as Error).message}`, encodings };
    }
  }
  if (bytes.byteLength > maxBytes) {
    return { ok: false, error: `body exceeds the ${maxBytes}-byte cap`, encodings, tooLarge: true };
  }
  return { ok: true, bytes, encodings };
}

function isTooLarge(err: unknown): boolean {
  return (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || /Cannot create a Buffer larger|buffer too large/i.test(String((err as Error).message));
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Strict UTF-8: invalid bytes are a finding, never silently replaced with U+FFFD. */
export function decodeUtf8(bytes: Uint8Array): { ok: true; text: string } | { ok: false; offset: number } {
  try {
    return { ok: true, text: utf8.decode(bytes) };
  } catch {
    // Find the first bad byte so the finding can point at it.
    const lenient = new TextDecoder('utf-8').decode(bytes);
    const bad = lenient.indexOf('\uFFFD');
    return { ok: false, offset: Math.max(0, Buffer.byteLength(lenient.slice(0, bad))) };
  }
}
