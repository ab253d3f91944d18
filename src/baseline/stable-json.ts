/**
 * JSON for files people review in pull requests: two-space indentation, and an array or object
 * holding only plain values on one line, so adding one entry changes one line of the diff. Keys are written in
 * the order the object was built: callers build map-like objects (kinds, fields) in sorted
 * order and put header fields first, so the same data always gives the same bytes.
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isPlain = (v: unknown): v is null | boolean | number | string => v === null || typeof v !== 'object';

export function stableJson(value: unknown): string {
  return write(value as Json, '') + '\n';
}

function write(v: Json, indent: string): string {
  if (isPlain(v)) return JSON.stringify(v);
  const inner = indent + '  ';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    if (v.every(isPlain)) return `[${v.map((x) => JSON.stringify(x)).join(', ')}]`;
    return `[\n${v.map((x) => inner + write(x, inner)).join(',\n')}\n${indent}]`;
  }
  const obj = v;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
  if (keys.length === 0) return '{}';
  if (keys.every((k) => isPlain(obj[k]))) return `{ ${keys.map((k) => `${JSON.stringify(k)}: ${JSON.stringify(obj[k])}`).join(', ')} }`;
  return `{\n${keys.map((k) => `${inner}${JSON.stringify(k)}: ${write(obj[k]!, inner)}`).join(',\n')}\n${indent}}`;
}
