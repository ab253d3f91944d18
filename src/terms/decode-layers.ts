/**
 * What a piece of request text decodes to: percent-encoding, JSON and HTML escapes, and base64
 * or hex blobs that decode to text, recursively to a bounded depth and size. A leak wrapped in
 * an encoding the term variants do not list (a partly escaped string, a term inside a base64
 * blob of JSON) is found in the decoded text. Pure string work; no IO.
 */
import { isVolatileText } from '../engine/volatile-text.js';

export interface DecodedLayer {
  text: string;
  /** Decodings applied, outermost first ("url-encoded", "base64", ...). */
  chain: string[];
}

export const MAX_DECODE_DEPTH = 3;
/** Decoded text kept per part, so a hostile request cannot make the audit allocate without bound. */
export const MAX_DECODED_CHARS = 1 << 20;

const PERCENT = /%[0-9A-Fa-f]{2}/;
// "{8}x*", not "{8,}": V8 runs a counted open-ended loop with a stack frame per character, and a
// megabyte-long run overflowed it (see the JWT detector).
const BLOB = /[A-Za-z0-9+/_-]{8}[A-Za-z0-9+/_-]*={0,2}/g;
const HEX_ONLY = /^[0-9A-Fa-f]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

// Telemetry repeats the same short strings (keys, versions, event names) in every request:
// their decodings are remembered, bounded, so a long capture pays for each string once.
const cache = new Map<string, DecodedLayer[]>();
const CACHE_MAX = 20_000;
const CACHE_TEXT_MAX = 256;
const NONE: DecodedLayer[] = [];

export function decodeLayers(text: string, maxDepth = MAX_DECODE_DEPTH): DecodedLayer[] {
  if (text.length < 6) return NONE;
  const cacheable = text.length <= CACHE_TEXT_MAX && maxDepth === MAX_DECODE_DEPTH && !isVolatileText(text);
  if (cacheable) {
    const hit = cache.get(text);
    if (hit) return hit;
  }
  const layers = computeLayers(text, maxDepth);
  if (cacheable) {
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(text, layers.length === 0 ? NONE : layers);
  }
  return layers;
}

function computeLayers(text: string, maxDepth: number): DecodedLayer[] {
  const out: DecodedLayer[] = [];
  let budget = MAX_DECODED_CHARS;
  const visit = (t: string, chain: string[]) => {
    if (chain.length >= maxDepth) return;
    for (const [name, decoded] of decodeOnce(t)) {
      if (budget <= 0) return;
      if (decoded === t || decoded.length === 0) continue;
      budget -= decoded.length;
      const next = [...chain, name];
      out.push({ text: decoded, chain: next });
      visit(decoded, next);
    }
  };
  visit(text, []);
  return out;
}

function decodeOnce(t: string): Array<[string, string]> {
  if (t.length < 6) return [];
  const out: Array<[string, string]> = [];
  if (t.includes('%') && PERCENT.test(t)) out.push(['url-encoded', percentDecode(t)]);
  if (t.includes('\\')) {
    const j = jsonUnescape(t);
    if (j !== t) out.push(['json-escaped', j]);
  }
  if (t.includes('&')) {
    const h = htmlDecode(t);
    if (h !== t) out.push(['html-entities', h]);
  }
  // A loop, not push(...): a megabyte of blobs is more arguments than the stack holds.
  if (t.length >= 8) for (const blob of blobTexts(t)) out.push(blob);
  return out;
}

/**
 * False only when no string literal of this text can decode to anything: decodeLayers is empty
 * for every substring between two characters that a blob, an escape or an entity cannot hold
 * ('"' in a JSON text with no backslash). Every trigger decodeOnce looks for is looked for
 * here, over the whole text: a percent escape, a backslash, an '&', a blob run that decodes.
 */
export function mayDecodeInside(text: string): boolean {
  if (text.includes('\\') || text.includes('&') || (text.includes('%') && PERCENT.test(text))) return true;
  // The runs BLOB matches (maximal runs of its class, 8 or more long, with up to two '='), each
  // looked at closely only when one of its candidates can decode at all: it has an upper-case
  // letter (text in base64), or it, or a segment of it between slashes, is 8 or more hex
  // digits. Most runs in telemetry are lower-case names and ids, and fail that at once.
  const n = text.length;
  for (let i = 0; i < n; ) {
    let c = text.charCodeAt(i);
    if (c >= 128 || BLOB_CHAR[c] === 0) {
      i++;
      continue;
    }
    const start = i;
    let upper = false;
    let segStart = i;
    let segHex = true;
    let hexSegment = false;
    let slash = false;
    for (; i < n; i++) {
      c = text.charCodeAt(i);
      if (c >= 128 || BLOB_CHAR[c] === 0) break;
      if (c >= 65 && c <= 90) upper = true;
      if (c === 47) {
        slash = true;
        if (segHex && i - segStart >= 8) hexSegment = true;
        segStart = i + 1;
        segHex = true;
      } else if (BLOB_CHAR[c] !== 2) {
        segHex = false;
      }
    }
    if (segHex && i - segStart >= 8) hexSegment = true;
    // Without a slash, the last segment is the run itself.
    if (i - start < 8 || !(upper || hexSegment)) continue;
    let end = i;
    while (end < n && end - i < 2 && text.charCodeAt(end) === 61) end++;
    // Without a slash the run is its one candidate: no list is made for it.
    if (!slash) {
      if (decodeBlob(text.slice(start, end))) return true;
      continue;
    }
    for (const run of candidates(text.slice(start, end))) if (decodeBlob(run)) return true;
  }
  return false;
}

/** 1: a character BLOB runs are made of; 2: also a hex digit. */
const BLOB_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9+/_-]/.test(ch)) BLOB_CHAR[c] = /[0-9A-Fa-f]/.test(ch) ? 2 : 1;
}

export function percentDecode(t: string): string {
  // Form encoding's "+" is a space; the undecoded text is scanned as well, so nothing is lost.
  const s = t.replace(/\+/g, ' ');
  const bytes: number[] = [];
  let out = '';
  const flush = () => {
    if (bytes.length) out += Buffer.from(bytes).toString('utf8');
    bytes.length = 0;
  };
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%' && i + 2 < s.length + 0 && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      flush();
      out += s[i];
    }
  }
  flush();
  return out;
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '/': '/', '\\': '\\', '"': '"', "'": "'" };

export function jsonUnescape(t: string): string {
  return t.replace(/\\(u[0-9A-Fa-f]{4}|x[0-9A-Fa-f]{2}|[nrtbf/\\"'])/g, (_, e: string) =>
    e[0] === 'u' || e[0] === 'x' ? String.fromCharCode(parseInt(e.slice(1), 16)) : SIMPLE_ESCAPES[e]!,
  );
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', sol: '/', colon: ':', period: '.', lowbar: '_', commat: '@' };

export function htmlDecode(t: string): string {
  return t.replace(/&(#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z]{2,8});/g, (m, e: string) => {
    if (e[0] !== '#') return NAMED[e.toLowerCase()] ?? m;
    const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}

/**
 * Base64, base64url and hex runs in the text that decode to readable text, each distinct
 * decoding once: a text repeating one blob would otherwise make as many layers as repeats.
 */
function blobTexts(t: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const seen = new Set<string>();
  BLOB.lastIndex = 0;
  for (let m = BLOB.exec(t); m !== null; m = BLOB.exec(t)) {
    for (const run of candidates(m[0])) {
      const decoded = decodeBlob(run);
      if (!decoded) continue;
      const key = `${decoded[0]}:${decoded[1]}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(decoded);
    }
  }
  return out;
}

/** The run itself, and, when a path glued segments together ("data/aW52..."), each segment. */
function candidates(run: string): string[] {
  const list = [run];
  // indexOf rather than split: a run of "a/a/a/..." would make a string per short segment.
  if (!run.includes('/')) return list;
  for (let from = 0; ; ) {
    const slash = run.indexOf('/', from);
    const end = slash === -1 ? run.length : slash;
    if (end - from >= 8) list.push(run.slice(from, end));
    if (slash === -1) return list;
    from = slash + 1;
  }
}

const HAS_UPPER = /[A-Z]/;
const HEX_RUN = /^[0-9A-Fa-f]+=*$/;
const blobCache = new Map<string, [string, string] | null>();

function decodeBlob(run: string): [string, string] | null {
  // Neither hex nor text in base64 (which has upper-case letters): decodeBlobUncached says no
  // at once, and an id or a plain word need not take a place in the cache.
  if (!HAS_UPPER.test(run) && !HEX_RUN.test(run)) return null;
  if (run.length > CACHE_TEXT_MAX) return decodeBlobUncached(run);
  const hit = blobCache.get(run);
  if (hit !== undefined) return hit;
  const decoded = decodeBlobUncached(run);
  if (blobCache.size >= CACHE_MAX) blobCache.clear();
  blobCache.set(run, decoded);
  return decoded;
}

function decodeBlobUncached(run: string): [string, string] | null {
  const body = run.replace(/=+$/, '');
  if (UUID.test(body)) return null;
  if (HEX_ONLY.test(body)) {
    if (body.length % 2 !== 0 || body.length < 8) return null;
    const text = readable(Buffer.from(body, 'hex'));
    return text === null ? null : ['hex', text];
  }
  // Text encoded as base64 has upper-case letters in it; an identifier ("server_metrics_v2") does not.
  if (!/[A-Z]/.test(body) || body.length % 4 === 1) return null;
  const url = /[-_]/.test(body);
  if (url && /[+/]/.test(body)) return null;
  const text = readable(Buffer.from(body, url ? 'base64url' : 'base64'));
  return text === null ? null : [url ? 'base64url' : 'base64', text];
}

/** The bytes as text when they are valid UTF-8 and nearly all printable; null for binary. */
export function readable(bytes: Uint8Array): string | null {
  if (bytes.length < 4) return null;
  // Most candidates are not base64 of text at all and decode to noise: control bytes reject
  // them before any UTF-8 decoding, and plain ASCII needs none.
  let control = 0;
  let high = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if ((b < 0x20 && b !== 9 && b !== 10 && b !== 13) || b === 0x7f) control++;
    else if (b >= 0x80) high++;
  }
  if (control * 20 > bytes.length) return null;
  if (high === 0) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return null;
  }
  let bad = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13) || (c >= 0x7f && c < 0xa0) || c === 0xfffd) bad++;
  }
  return bad * 20 <= text.length ? text : null;
}
