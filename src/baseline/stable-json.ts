/**
 * JSON for files people review in pull requests: keys sorted, two-space indentation, and
 * arrays of plain values on one line, so adding one field changes one line of the diff.
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
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (keys.length === 0) return '{}';
  return `{\n${keys.map((k) => `${inner}${JSON.stringify(k)}: ${write(obj[k]!, inner)}`).join(',\n')}\n${indent}}`;
}
