/**
 * A JSON parser that keeps what JSON.parse throws away: duplicate keys (the raw bytes hold a
 * value that the parsed object hides, which is exactly where a leak can sit unseen), and the
 * position of every syntax error, so a malformed payload becomes a precise finding.
 *
 * Pure and allocation-light: it walks the string once with charCodeAt.
 */

export interface JsonPosition {
  offset: number;
  line: number;
  column: number;
}

export interface DuplicateKey {
  /** JSON path of the object holding the duplicate, e.g. `$.data`. */
  objectPath: string;
  key: string;
  position: JsonPosition;
}

export type JsonParseResult =
  | { ok: true; value: unknown; duplicates: DuplicateKey[]; /** [start, end) of each top-level array element */ elementSpans?: Array<[number, number]> }
  | { ok: false; error: string; position: JsonPosition };

/** Build a JSON path segment the way reports show it: `.name` or `["odd key"]` or `[3]`. */
const segmentCache = new Map<string, string>();

export function pathSegment(key: string | number): string {
  if (typeof key === 'number') return `[${key}]`;
  // Keys repeat across every payload of a kind; the regex test is worth remembering.
  let seg = segmentCache.get(key);
  if (seg === undefined) {
    seg = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
    if (segmentCache.size < 10_000) segmentCache.set(key, seg);
  }
  return seg;
}

class ParseError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export function positionAt(text: string, offset: number): JsonPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, line, column: offset - lineStart + 1 };
}

const MAX_DEPTH = 512;

/**
 * Native JSON.parse is several times faster than the walk below, but it hides duplicate keys
 * and says little about errors. So: parse natively, then prove there was no duplicate by
 * counting. In valid JSON every ':' outside a string separates one key from its value, so the
 * text holds as many key/value pairs as it has such colons; the parsed objects hold one key per
 * distinct key. The counts are equal exactly when no object repeated a key. Anything else (a
 * duplicate, a syntax error, a byte order mark, nesting deeper than the walk allows) goes to the
 * walk, which reports it precisely. The same pass gives every object a null prototype, as the
 * walk does, so both paths return the same values.
 */
function parseNative(text: string): { ok: true; value: unknown; duplicates: DuplicateKey[] } | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const pairs = countKeyValuePairs(text);
  const keys = adoptParsed(value, 0);
  return keys === pairs ? { ok: true, value, duplicates: [] } : null;
}

/** The ':' characters outside strings (strings may hold escaped quotes). */
function countKeyValuePairs(text: string): number {
  let count = 0;
  let i = text.indexOf(':');
  let q = text.indexOf('"');
  while (i !== -1) {
    if (q !== -1 && q < i) {
      // Skip the string that opens at q; its end is the next quote not escaped by an odd run of backslashes.
      let end = q;
      for (;;) {
        end = text.indexOf('"', end + 1);
        if (end === -1) return -1;
        let bs = 0;
        while (text.charCodeAt(end - 1 - bs) === 92) bs++;
        if (bs % 2 === 0) break;
      }
      if (i < end) i = text.indexOf(':', end + 1);
      q = text.indexOf('"', end + 1);
      continue;
    }
    count++;
    i = text.indexOf(':', i + 1);
  }
  return count;
}

/**
 * Distinct keys of every object in a natively parsed value, giving each object a null
 * prototype on the way; -1 (never equal to a pair count) when nesting exceeds the walk's limit.
 */
function adoptParsed(value: unknown, depth: number): number {
  if (typeof value !== 'object' || value === null) return 0;
  if (depth >= MAX_DEPTH) return -Infinity;
  let keys = 0;
  if (Array.isArray(value)) {
    for (const v of value) keys += adoptParsed(v, depth + 1);
    return keys;
  }
  Object.setPrototypeOf(value, null);
  for (const k in value) {
    keys++;
    keys += adoptParsed((value as Record<string, unknown>)[k], depth + 1);
  }
  return keys;
}

export function parseJson(text: string, options: { elementSpans?: boolean } = {}): JsonParseResult {
  return (!options.elementSpans && parseNative(text)) || parseJsonWalk(text, options);
}

/** The duplicate-aware walk alone: the reference the fast path must agree with. */
export function parseJsonWalk(text: string, options: { elementSpans?: boolean } = {}): JsonParseResult {
  const duplicates: DuplicateKey[] = [];
  const spans: Array<[number, number]> | undefined = options.elementSpans ? [] : undefined;
  let i = 0;
  const n = text.length;

  const skipWs = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else break;
    }
  };

  const describe = (at: number): string =>
    at >= n ? 'end of input' : `${JSON.stringify(text[at])}`;

  const parseString = (): string => {
    // Caller guarantees text[i] === '"'.
    const start = ++i;
    let out: string | null = null;
    let chunkStart = start;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        const s = out === null ? text.slice(start, i) : out + text.slice(chunkStart, i);
        i++;
        return s;
      }
      if (c === 92) {
        out = (out ?? '') + text.slice(chunkStart, i);
        const e = text.charCodeAt(i + 1);
        switch (e) {
          case 34: out += '"'; break;
          case 92: out += '\\'; break;
          case 47: out += '/'; break;
          case 98: out += '\b'; break;
          case 102: out += '\f'; break;
          case 110: out += '\n'; break;
          case 114: out += '\r'; break;
          case 116: out += '\t'; break;
          case 117: {
            const hex = text.slice(i + 2, i + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new ParseError('invalid \\u escape in string', i);
            out += String.fromCharCode(parseInt(hex, 16));
            i += 4;
            break;
          }
          default:
            throw new ParseError('invalid escape in string', i);
        }
        i += 2;
        chunkStart = i;
        continue;
      }
      if (c < 32) throw new ParseError('unescaped control character in string', i);
      i++;
    }
    throw new ParseError('unterminated string', start - 1);
  };

  const parseNumber = (): number => {
    const start = i;
    if (text.charCodeAt(i) === 45) i++;
    const intStart = i;
    while (i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
    if (i === intStart) throw new ParseError(`unexpected ${describe(i)}`, i);
    if (i - intStart > 1 && text.charCodeAt(intStart) === 48) throw new ParseError('leading zero in number', intStart);
    if (text.charCodeAt(i) === 46) {
      i++;
      const fracStart = i;
      while (i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
      if (i === fracStart) throw new ParseError('digit expected after decimal point', i);
    }
    const e = text.charCodeAt(i);
    if (e === 101 || e === 69) {
      i++;
      const s = text.charCodeAt(i);
      if (s === 43 || s === 45) i++;
      const expStart = i;
      while (i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
      if (i === expStart) throw new ParseError('digit expected in exponent', i);
    }
    return Number(text.slice(start, i));
  };

  const expectWord = (word: string): void => {
    if (text.startsWith(word, i)) i += word.length;
    else throw new ParseError(`unexpected ${describe(i)}`, i);
  };

  // Keys (or indexes) from the root to the value being parsed; a path string is built only
  // when a duplicate key needs one, not for every value.
  const stack: Array<string | number> = [];
  const currentPath = (): string => '$' + stack.map(pathSegment).join('');

  const parseValue = (depth: number): unknown => {
    if (depth > MAX_DEPTH) throw new ParseError('nesting too deep', i);
    skipWs();
    const c = text.charCodeAt(i);
    if (c === 123) return parseObject(depth);
    if (c === 91) return parseArray(depth);
    if (c === 34) return parseString();
    if (c === 45 || (c >= 48 && c <= 57)) return parseNumber();
    if (c === 116) { expectWord('true'); return true; }
    if (c === 102) { expectWord('false'); return false; }
    if (c === 110) { expectWord('null'); return null; }
    throw new ParseError(`unexpected ${describe(i)}`, i);
  };

  const parseObject = (depth: number): Record<string, unknown> => {
    i++; // {
    // A null-prototype object: "__proto__" in a payload is data, not a prototype switch.
    const obj: Record<string, unknown> = Object.create(null);
    skipWs();
    if (text.charCodeAt(i) === 125) { i++; return obj; }
    for (;;) {
      skipWs();
      if (text.charCodeAt(i) !== 34) throw new ParseError(`expected a string key, found ${describe(i)}`, i);
      const keyOffset = i;
      const key = parseString();
      skipWs();
      if (text.charCodeAt(i) !== 58) throw new ParseError(`expected ':' after key, found ${describe(i)}`, i);
      i++;
      stack.push(key);
      const value = parseValue(depth + 1);
      stack.pop();
      if (Object.prototype.hasOwnProperty.call(obj, key)) {
        duplicates.push({ objectPath: currentPath(), key, position: positionAt(text, keyOffset) });
      }
      obj[key] = value;
      skipWs();
      const d = text.charCodeAt(i);
      if (d === 44) { i++; continue; }
      if (d === 125) { i++; return obj; }
      throw new ParseError(`expected ',' or '}' after value, found ${describe(i)}`, i);
    }
  };

  const parseArray = (depth: number): unknown[] => {
    i++; // [
    const arr: unknown[] = [];
    skipWs();
    if (text.charCodeAt(i) === 93) { i++; return arr; }
    for (;;) {
      stack.push(arr.length);
      if (depth === 0 && spans) {
        skipWs();
        const start = i;
        arr.push(parseValue(depth + 1));
        spans.push([start, i]);
      } else {
        arr.push(parseValue(depth + 1));
      }
      stack.pop();
      skipWs();
      const d = text.charCodeAt(i);
      if (d === 44) { i++; continue; }
      if (d === 93) { i++; return arr; }
      throw new ParseError(`expected ',' or ']' after value, found ${describe(i)}`, i);
    }
  };

  try {
    // A UTF-8 byte order mark is tolerated: some tools write one, and it carries nothing.
    if (text.charCodeAt(0) === 0xfeff) i = 1;
    const value = parseValue(0);
    skipWs();
    if (i < n) throw new ParseError(`unexpected ${describe(i)} after the JSON value`, i);
    return spans ? { ok: true, value, duplicates, elementSpans: spans } : { ok: true, value, duplicates };
  } catch (err) {
    if (err instanceof ParseError) return { ok: false, error: err.message, position: positionAt(text, err.offset) };
    if (err instanceof RangeError) return { ok: false, error: 'nesting too deep', position: positionAt(text, i) };
    throw err;
  }
}

/** Plain objects from parseJson have a null prototype; this is the one test that covers both. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
