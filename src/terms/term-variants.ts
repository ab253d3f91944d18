/**
 * Every form a term can take on the wire, built once per run: a leak in any encoding is the
 * same leak. Raw text is matched case-insensitively; percent-encoding, JSON and HTML escapes and
 * hex are case-insensitive in their digits too. Base64 and base64url are case-sensitive and
 * come at all three alignments, because a term inside a longer blob starts at byte offset 0, 1
 * or 2 of a 3-byte group. Hashes (md5, sha1, sha256, sha512) come in hex, base64 and base64url,
 * of the term as given and lower-cased: a hash of a name is the name to anyone with a list.
 */
import { createHash } from 'node:crypto';

export interface TermVariant {
  text: string;
  /** How the term is encoded in this form ("raw", "url-encoded", "base64", "sha256-hex", ...). */
  encoding: string;
  /** Base64 forms must match exactly; everything else ignores ASCII case. */
  exactCase: boolean;
  /**
   * Digests are random-looking and fixed-length: they are matched as whole hex or base64
   * tokens (a lookup per token), not in the automaton, where thousands of them would keep
   * every hex string in the text walking partial matches.
   */
  token?: boolean;
}

/** Base64 pieces shorter than this match by chance: terms of 5 characters or more have a piece at every alignment; a 4-character term is found in base64 only where the blob decodes to text. */
export const MIN_ENCODED_LENGTH = 6;

export const HASHES = ['md5', 'sha1', 'sha256', 'sha512'] as const;

const hex2 = (n: number) => n.toString(16).padStart(2, '0');
const hex4 = (n: number) => n.toString(16).padStart(4, '0');

function percentAll(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += '%' + hex2(b).toUpperCase();
  return s;
}

/** The base64 characters fully determined by the term's bytes when it starts at `offset` in a group. */
export function base64Piece(bytes: Uint8Array, offset: 0 | 1 | 2, alphabet: 'base64' | 'base64url'): string {
  const enc = Buffer.concat([Buffer.alloc(offset), bytes]).toString(alphabet);
  const first = Math.ceil((8 * offset) / 6);
  const end = Math.floor((8 * (offset + bytes.length)) / 6);
  return enc.slice(first, end);
}

function htmlNamed(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function formsOf(value: string, suffix: string): TermVariant[] {
  const bytes = Buffer.from(value, 'utf8');
  const out: TermVariant[] = [];
  const add = (text: string, encoding: string, exactCase = false, token = false) => {
    // A base64url form without "-" or "_" is plain base64 (unpadded): call it that.
    const name = encoding.endsWith('base64url') && !/[-_]/.test(text) ? encoding.slice(0, -3) : encoding;
    out.push({ text, encoding: name + suffix, exactCase, ...(token ? { token } : {}) });
  };

  const uri = encodeURIComponent(value);
  add(uri, 'url-encoded');
  add(uri.replace(/%20/g, '+'), 'url-encoded');
  add(percentAll(bytes), 'url-encoded');
  add(encodeURIComponent(uri), 'url-encoded-twice');
  add(percentAll(bytes).replace(/%/g, '%25'), 'url-encoded-twice');

  const json = JSON.stringify(value).slice(1, -1);
  add(json, 'json-escaped');
  add(json.replace(/\//g, '\\/'), 'json-escaped');
  let unicode = '';
  for (let i = 0; i < value.length; i++) unicode += '\\u' + hex4(value.charCodeAt(i));
  add(unicode, 'json-unicode');

  add(htmlNamed(value), 'html-entities');
  let dec = '';
  let hexEnt = '';
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    dec += `&#${cp};`;
    hexEnt += `&#x${cp.toString(16)};`;
  }
  add(dec, 'html-entities');
  add(hexEnt, 'html-entities');

  add(bytes.toString('hex'), 'hex');

  for (const alphabet of ['base64', 'base64url'] as const) {
    add(bytes.toString(alphabet), alphabet, true);
    for (const offset of [0, 1, 2] as const) add(base64Piece(bytes, offset, alphabet), alphabet, true);
  }

  for (const alg of HASHES) {
    const digest = createHash(alg).update(bytes).digest();
    add(digest.toString('hex'), `${alg}-hex`, false, true);
    add(digest.toString('base64'), `${alg}-base64`, true, true);
    add(digest.toString('base64url'), `${alg}-base64url`, true, true);
  }
  return out;
}

/**
 * All distinct forms of one term, raw first. A form identical to one already listed (the
 * url-encoding of a plain word is the word) is listed once, under the first encoding.
 */
export function termVariants(term: string): TermVariant[] {
  const raw: TermVariant[] = [{ text: term, encoding: 'raw', exactCase: false }];
  // ASCII case is folded by the matcher; other scripts' case forms are listed.
  for (const alt of [term.toLowerCase(), term.toUpperCase()]) {
    if (foldAscii(alt) !== foldAscii(term)) raw.push({ text: alt, encoding: 'raw', exactCase: false });
  }
  const lower = term.toLowerCase();
  const all = [...raw, ...formsOf(term, '')];
  if (lower !== term) all.push(...formsOf(lower, '(lowercased)'));

  const seen = new Set<string>();
  const out: TermVariant[] = [];
  for (const v of all) {
    // Only base64 pieces can be shorter than the term itself; too short, they match by chance.
    if (v.exactCase && !v.token && v.text.length < MIN_ENCODED_LENGTH) continue;
    const key = v.exactCase ? `=${v.text}` : `~${foldAscii(v.text)}`;
    // An exact form that the case-insensitive raw already covers adds nothing.
    if (seen.has(key) || (v.exactCase && seen.has(`~${foldAscii(v.text)}`))) continue;
    seen.add(key);
    out.push(v);
  }
  return out;
}

export function foldAscii(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}
