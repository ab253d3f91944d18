/**
 * The Raw tab: the request as it went out — method, URL, headers in the order sent, and the
 * body bytes. A body that is not UTF-8 text (gzip, say) is shown as hex, then decoded.
 */
import { describeOrigin, headerValues, type CapturedRequest } from '../../capture/captured-request.js';
import { seg, type Line } from './line.js';
import { sanitize, wrap } from './text-fit.js';

const MAX_BODY_CHARS = 256 * 1024;
const MAX_HEX_BYTES = 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function hexLines(bytes: Uint8Array): string[] {
  const out: string[] = [];
  const n = Math.min(bytes.length, MAX_HEX_BYTES);
  for (let off = 0; off < n; off += 16) {
    const row = bytes.subarray(off, Math.min(off + 16, n));
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    out.push(`${off.toString(16).padStart(6, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  if (bytes.length > n) out.push(`… ${bytes.length - n} more bytes`);
  return out;
}

function textLines(out: Line[], text: string, width: number): void {
  const shown = text.length > MAX_BODY_CHARS ? text.slice(0, MAX_BODY_CHARS) : text;
  for (const logical of shown.split('\n')) for (const l of wrap(sanitize(logical), width)) out.push([seg(l)]);
  if (shown.length < text.length) out.push([seg(`… ${text.length - shown.length} more characters`, 'dim')]);
}

export function rawLines(request: CapturedRequest, decodedText: string | undefined, width: number): Line[] {
  const out: Line[] = [];
  out.push([seg(sanitize(request.method), 'heading'), seg(' '), seg(sanitize(request.url ?? '(no URL: a bare payload, destination unknown)'), 'key')]);
  out.push([seg(`${request.transport} · ${request.body.length} bytes · sent ${request.time} · from ${sanitize(describeOrigin(request.origin))}`, 'dim')]);
  out.push([]);
  out.push([seg(`Headers (${request.headers.length})`, 'heading')]);
  if (request.headers.length === 0) out.push([seg('  none recorded', 'dim')]);
  for (const [name, value] of request.headers) {
    const shownName = sanitize(name);
    const [first = '', ...rest] = wrap(`${shownName}: ${sanitize(value)}`, width - 2);
    out.push([seg('  '), seg(first.slice(0, shownName.length + 1), 'key'), seg(first.slice(shownName.length + 1))]);
    for (const l of rest) out.push([seg('    '), seg(l)]);
  }
  out.push([]);
  let asText: string | undefined;
  try {
    asText = utf8.decode(request.body);
  } catch {
    asText = undefined;
  }
  if (asText !== undefined) {
    out.push([seg(`Body as sent (${request.body.length} bytes)`, 'heading')]);
    if (asText === '') out.push([seg('  empty', 'dim')]);
    textLines(out, asText, width);
    return out;
  }
  const encoding = headerValues(request, 'content-encoding').join(', ');
  out.push([seg(`Body as sent (${request.body.length} bytes, not text${encoding ? `, content-encoding ${sanitize(encoding)}` : ''})`, 'heading')]);
  for (const l of hexLines(request.body)) out.push([seg(l, 'dim')]);
  out.push([]);
  if (decodedText !== undefined) {
    out.push([seg('Body decoded (as audited)', 'heading')]);
    textLines(out, decodedText, width);
  } else {
    out.push([seg('The body could not be decoded to text (see Findings).', 'fail')]);
  }
  return out;
}
