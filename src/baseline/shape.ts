/**
 * Payload shapes: per payload kind, every field path seen and the JSON value types it had.
 * Pure data, recorded by `telemetry-audit shape`, checked by `audit --shape-baseline` and
 * compared between releases by `telemetry-audit diff`.
 *
 * Paths are report JSON paths with `[]` for any array element (`$.data.timings[].count`).
 * A key that does not look like a field name (an e-mail, a URL, a sentence: user data used
 * as a key) is recorded by a hash, never by its text, so a shape file carries no such value.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { pathSegment } from '../json/json-parse.js';
import { parseJsonFile, type ParseResult } from './parse-json-file.js';

export const VALUE_TYPES = ['array', 'boolean', 'null', 'number', 'object', 'string'] as const;
export type ValueType = (typeof VALUE_TYPES)[number];

/** Field path → the types seen there. */
export type FieldTypes = Map<string, Set<ValueType>>;

export interface KindShape {
  requests: number;
  fields: FieldTypes;
}

/** The bucket for payloads that parsed but matched no kind of the policy (not a valid kind id). */
export const UNCLASSIFIED = '(unclassified)';

export const SHAPE_FILE_VERSION = 1;

export function typeOf(value: unknown): ValueType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
    case 'bigint':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return 'object';
  }
}

const FIELD_NAME = /^[A-Za-z_$][A-Za-z0-9_$-]{0,63}$/;

export function keySegment(key: string): string {
  if (FIELD_NAME.test(key)) return pathSegment(key);
  return `[#${createHash('sha256').update(key).digest('hex').slice(0, 12)}]`;
}

/** Add the shape of one payload to `into`. */
export function addShape(into: FieldTypes, value: unknown, path = '$'): void {
  const type = typeOf(value);
  let types = into.get(path);
  if (!types) into.set(path, (types = new Set()));
  types.add(type);
  if (type === 'array') {
    for (const item of value as unknown[]) addShape(into, item, `${path}[]`);
  } else if (type === 'object') {
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) addShape(into, v, path + keySegment(key));
  }
}

export function shapeOf(value: unknown): FieldTypes {
  const out: FieldTypes = new Map();
  addShape(out, value);
  return out;
}

export class ShapeSet {
  readonly kinds = new Map<string, KindShape>();

  add(kind: string | null, payload: unknown): void {
    const key = kind ?? UNCLASSIFIED;
    let shape = this.kinds.get(key);
    if (!shape) this.kinds.set(key, (shape = { requests: 0, fields: new Map() }));
    shape.requests++;
    addShape(shape.fields, payload);
  }

  get size(): number {
    return this.kinds.size;
  }
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function sortedTypes(types: Iterable<ValueType>): ValueType[] {
  return [...types].sort(byCodeUnit);
}

export interface ShapeFile {
  shapeVersion: typeof SHAPE_FILE_VERSION;
  tool: 'telemetry-audit';
  policy: string;
  kinds: Record<string, { requests?: number; fields: Record<string, ValueType[]> }>;
}

/** The file form: sorted, without request counts (they change every run and say nothing of shape). */
export function shapeFile(set: ShapeSet, policy: string): ShapeFile {
  const kinds: ShapeFile['kinds'] = {};
  for (const kind of [...set.kinds.keys()].sort(byCodeUnit)) {
    const fields: Record<string, ValueType[]> = {};
    const shape = set.kinds.get(kind)!;
    for (const p of [...shape.fields.keys()].sort(byCodeUnit)) fields[p] = sortedTypes(shape.fields.get(p)!);
    kinds[kind] = { fields };
  }
  return { shapeVersion: SHAPE_FILE_VERSION, tool: 'telemetry-audit', policy, kinds };
}

const ShapeFileSchema = z.strictObject({
  shapeVersion: z.literal(SHAPE_FILE_VERSION),
  tool: z.literal('telemetry-audit'),
  policy: z.string(),
  kinds: z.record(
    z.string(),
    z.strictObject({
      requests: z.number().int().nonnegative().optional(),
      fields: z.record(z.string().startsWith('$'), z.array(z.enum(VALUE_TYPES)).min(1)),
    }),
  ),
});

export function parseShapeFile(text: string): ParseResult<ShapeSet> {
  const parsed = parseJsonFile(text, ShapeFileSchema, 'a shape file');
  if (!parsed.ok) return parsed;
  const set = new ShapeSet();
  for (const [kind, { requests, fields }] of Object.entries(parsed.value.kinds)) {
    set.kinds.set(kind, { requests: requests ?? 0, fields: new Map(Object.entries(fields).map(([p, t]) => [p, new Set(t)])) });
  }
  return { ok: true, value: set };
}

/** Is `path` inside `parent` (`$.a.b` and `$.a[]` are inside `$.a`)? */
export function isInside(path: string, parent: string): boolean {
  return path.length > parent.length && path.startsWith(parent) && (path[parent.length] === '.' || path[parent.length] === '[');
}

/** New paths without those inside another new path: a new object is one change, not one per field. */
export function topmost(paths: readonly string[]): Array<{ path: string; nested: number }> {
  const sorted = [...paths].sort(byCodeUnit);
  const out: Array<{ path: string; nested: number }> = [];
  for (const p of sorted) {
    const parent = out.find((o) => isInside(p, o.path));
    if (parent) parent.nested++;
    else out.push({ path: p, nested: 0 });
  }
  return out;
}
