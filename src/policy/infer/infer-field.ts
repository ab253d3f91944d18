/**
 * Draft a field spec from the values a field was seen with: the narrowest type and format that
 * fits every value. A draft describes what was seen, never what is allowed, so every string
 * field carries a `review` marker saying what was inferred and what a reviewer must confirm,
 * and values a detector flags (an e-mail address, a v1 UUID) are never written into an enum:
 * that would turn a leak into an allowed value.
 */
import type { Detector } from '../../detectors/detector.js';
import { checkFormat, uuidVersion } from '../../engine/formats.js';
import { isJsonObject } from '../../json/json-parse.js';
import type { FieldSpec, StringFormat, VariantsSpec } from '../policy-schema.js';

export interface InferContext {
  detectors: readonly Detector[];
  /** Most distinct values an inferred enum may have. */
  maxEnum: number;
  /** The name of the field being inferred, when it has one (an id or hash is never an enum). */
  field?: string;
}

/** Field names that usually name the kind of an event: tried first as discriminators. */
export const DISCRIMINATOR_NAMES = ['type', 'event', 'eventName', 'event_name', 'eventType', 'event_type', 'kind', 'topic', 'action', 'name', 'category', 'en'];

const IDENTIFIER_LIKE = /^[A-Za-z0-9@][A-Za-z0-9 _.:/@+-]{0,63}$/;
/** A value fit for a closed list: an identifier or a short label, not a sentence (messages leak). */
const enumLike = (v: string): boolean => IDENTIFIER_LIKE.test(v) && v.split(' ').length <= 3 && !v.includes(': ');

/**
 * A spec for a field seen `values.length` times among `parents` objects (fewer means optional).
 */
export function inferField(values: readonly unknown[], parents: number, ctx: InferContext): FieldSpec {
  const spec = inferValues(values, ctx);
  return values.length < parents ? { ...spec, optional: true } : spec;
}

function inferValues(values: readonly unknown[], ctx: InferContext): FieldSpec {
  const nonNull = values.filter((v) => v !== null);
  const sawNull = nonNull.length < values.length;
  if (nonNull.length === 0) return { type: 'null', review: 'only null was seen here: confirm what the tool sends when it has a value' };

  const byType = new Map<string, unknown[]>();
  for (const v of nonNull) {
    const t = Array.isArray(v) ? 'array' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v;
    byType.set(t, [...(byType.get(t) ?? []), v]);
  }
  // An integer that is sometimes fractional is a number.
  if (byType.has('integer') && byType.has('number')) {
    byType.set('number', [...byType.get('number')!, ...byType.get('integer')!]);
    byType.delete('integer');
  }
  const options = [...byType.entries()].map(([t, vs]) => inferOfType(t, vs, ctx));
  const spec: FieldSpec = options.length === 1 ? options[0]! : { type: 'any-of', options };
  return sawNull ? { ...spec, nullable: true } : spec;
}

function inferOfType(type: string, values: unknown[], ctx: InferContext): FieldSpec {
  switch (type) {
    case 'boolean':
      return { type: 'boolean' };
    case 'integer': {
      const nums = values as number[];
      return nums.every((n) => n >= 0) ? { type: 'integer', min: 0 } : { type: 'integer' };
    }
    case 'number': {
      const nums = values as number[];
      return nums.every((n) => n >= 0) ? { type: 'number', min: 0 } : { type: 'number' };
    }
    case 'string':
      return inferString(values as string[], ctx);
    case 'array': {
      const elements = (values as unknown[][]).flat();
      if (elements.length === 0) {
        return { type: 'array', items: { type: 'null' }, maxItems: 0, review: 'only empty arrays were seen: describe what the elements can be' };
      }
      return { type: 'array', items: inferValues(elements, ctx) };
    }
    case 'object':
      return inferObject(values as Array<Record<string, unknown>>, ctx);
    default:
      return { type: 'null', review: `unexpected ${type} value` };
  }
}

/** An object spec; when a field like `type` selects different field sets, variants per value. */
export function inferObject(objects: ReadonlyArray<Record<string, unknown>>, ctx: InferContext): FieldSpec {
  const discriminator = findDiscriminator(objects);
  if (!discriminator) return { type: 'object', fields: inferFields(objects, ctx) };

  const groups = new Map<string, Array<Record<string, unknown>>>();
  for (const o of objects) {
    const tag = o[discriminator] as string;
    groups.set(tag, [...(groups.get(tag) ?? []), o]);
  }
  // Fields every case has stay in the base; the rest belong to their case.
  const keySets = [...groups.values()].map((g) => new Set(g.flatMap((o) => Object.keys(o))));
  const common = [...keySets[0]!].filter((k) => k !== discriminator && keySets.every((s) => s.has(k)));
  const pick = (o: Record<string, unknown>, keep: (k: string) => boolean) => Object.fromEntries(Object.entries(o).filter(([k]) => keep(k)));
  const cases: VariantsSpec['cases'] = {};
  for (const [tag, group] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    cases[tag] = { fields: inferFields(group.map((o) => pick(o, (k) => k !== discriminator && !common.includes(k))), ctx) };
  }
  return {
    type: 'object',
    fields: inferFields(objects.map((o) => pick(o, (k) => common.includes(k))), ctx),
    variants: { discriminator, cases },
  };
}

function inferFields(objects: ReadonlyArray<Record<string, unknown>>, ctx: InferContext): Record<string, FieldSpec> {
  const keys = [...new Set(objects.flatMap((o) => Object.keys(o)))];
  const fields: Record<string, FieldSpec> = {};
  for (const key of keys) {
    const values = objects.filter((o) => Object.prototype.hasOwnProperty.call(o, key)).map((o) => o[key]);
    fields[key] = inferField(values, objects.length, { ...ctx, field: key });
  }
  return fields;
}

/** Field names that say the value identifies something (a project, a machine, a session, a user). */
const IDENTIFIER_NAME = /(^|[_.-])(id|ids|uuid|guid|hash|digest|sha\d*|md5|token|key|fingerprint|cid|sid|uid)$|(Id|ID|Ids|Uuid|UUID|Hash|Digest|Token|Key|Fingerprint)$/;

/**
 * Values that identify rather than label: hexadecimal of 8 or more digits, or long mixed
 * letter-and-digit tokens, or any value of a field named like an id or hash. Observed values of
 * these are never copied into an enum: the next install, project or run has another.
 */
function identifierValues(values: readonly string[], field: string | undefined): { pattern: string; why: string } | null {
  const lengths = new Set(values.map((v) => v.length));
  const sameLength = lengths.size === 1 ? `{${values[0]!.length}}` : `{${Math.min(...lengths)},${Math.max(...lengths)}}`;
  if (values.length > 0 && values.every((v) => /^[0-9a-f]{8,}$/.test(v) && /\d/.test(v))) return { pattern: `^[0-9a-f]${sameLength}$`, why: 'lower-case hexadecimal' };
  if (values.length > 0 && values.every((v) => /^[0-9A-F]{8,}$/.test(v) && /\d/.test(v))) return { pattern: `^[0-9A-F]${sameLength}$`, why: 'upper-case hexadecimal' };
  if (values.length > 0 && values.every((v) => /^[A-Za-z0-9_-]{16,}$/.test(v) && /\d/.test(v) && /[A-Za-z]/.test(v))) return { pattern: `^[A-Za-z0-9_-]${sameLength}$`, why: 'a long token' };
  if (field !== undefined && IDENTIFIER_NAME.test(field) && values.every((v) => /^[A-Za-z0-9_.:-]{1,128}$/.test(v))) return { pattern: `^[A-Za-z0-9_.:-]${sameLength}$`, why: `named "${field}"` };
  return null;
}

/**
 * A string field with identifier-like values that splits the objects into groups: the event
 * name of a batch, say. `minCoverage` is the share of objects that must have it (the rest are
 * left to the caller); nested objects use 1, so a variant always has its discriminator.
 */
export function findDiscriminator(
  objects: ReadonlyArray<Record<string, unknown>>,
  opts: { requireDifferentShapes?: boolean; minCoverage?: number } = {},
): string | undefined {
  if (objects.length < 2) return undefined;
  const requireShapes = opts.requireDifferentShapes ?? true;
  const minCoverage = opts.minCoverage ?? 1;
  const ranked = [...new Set(objects.flatMap((o) => Object.keys(o)))]
    .map((k) => {
      const having = objects.filter((o) => Object.prototype.hasOwnProperty.call(o, k));
      const usable = having.every((o) => typeof o[k] === 'string' && IDENTIFIER_LIKE.test(o[k] as string));
      return { k, having, usable, distinct: new Set(having.map((o) => o[k])).size, rank: DISCRIMINATOR_NAMES.indexOf(k) };
    })
    .filter((c) => c.usable && c.having.length >= Math.max(2, Math.ceil(objects.length * minCoverage)))
    .filter((c) => c.distinct >= 2 && c.distinct <= 30)
    .filter((c) => !requireShapes || shapesDiffer(c.having, c.k))
    // Without a conventional name, only a field that repeats and separates shapes is trusted (not an id).
    .filter((c) => c.rank !== -1 || (c.distinct < c.having.length && shapesDiffer(c.having, c.k)))
    .sort((a, b) => (a.rank === -1 ? 99 : a.rank) - (b.rank === -1 ? 99 : b.rank) || b.having.length - a.having.length || a.distinct - b.distinct);
  return ranked[0]?.k;
}

function shapesDiffer(objects: ReadonlyArray<Record<string, unknown>>, key: string): boolean {
  const shapes = new Map<string, string>();
  for (const o of objects) {
    const tag = o[key] as string;
    const shape = Object.keys(o).sort().join(',');
    const seen = shapes.get(tag);
    if (seen === undefined) shapes.set(tag, shape);
  }
  return new Set(shapes.values()).size > 1;
}

const CANDIDATE_FORMATS: StringFormat[] = ['uuid-v4', 'uuid', 'iso-timestamp', 'semver', 'version', 'integer-string', 'url-path'];

function inferString(values: string[], ctx: InferContext): FieldSpec {
  const distinct = [...new Set(values)];
  const seen = `seen ${values.length} time${values.length === 1 ? '' : 's'}, ${distinct.length} distinct value${distinct.length === 1 ? '' : 's'}`;
  const flagged = new Set<string>();
  for (const v of distinct) for (const d of ctx.detectors) if (d.detect(v).length > 0) flagged.add(d.id);
  if (flagged.size > 0) {
    return {
      type: 'string',
      format: 'free-text',
      review: `REVIEW: ${[...flagged].join(', ')} matched values ${seen}: that is a leak to fix in the tool, not a value to allow`,
    };
  }
  for (const format of CANDIDATE_FORMATS) {
    if (format === 'version' && !distinct.every((v) => /\d\.\d/.test(v))) continue;
    if (format === 'url-path' && !distinct.every((v) => v.length > 1)) continue;
    if (!distinct.every((v) => checkFormat(format, v) === null)) continue;
    if (format === 'uuid') {
      const versions = [...new Set(distinct.map((v) => uuidVersion(v)))].join(', ');
      return { type: 'string', format, review: `REVIEW: UUIDs of version ${versions} (${seen}): only a random v4 UUID is anonymous; a v1 UUID embeds the MAC address` };
    }
    const caveat =
      format === 'url-path'
        ? 'paths can carry names (project, file, route): consider a segments vocabulary'
        : format === 'uuid-v4'
          ? 'confirm it is random per install or run, not derived from the machine or user'
          : 'confirm the format';
    return { type: 'string', format, review: `REVIEW: inferred ${format} (${seen}): ${caveat}` };
  }
  const id = identifierValues(distinct, ctx.field);
  if (id) {
    return {
      type: 'string',
      pattern: id.pattern,
      review: `REVIEW: identifier-like (${id.why}; ${seen}): values are not listed, since the next install or run has another. If it is a hash, of what? A hash of a name or path is still the name`,
    };
  }
  if (distinct.length >= 1 && distinct.length <= ctx.maxEnum && distinct.every(enumLike)) {
    return {
      type: 'string',
      enum: distinct.sort(),
      review: `REVIEW: inferred a closed list (${seen}): confirm no value is a name the user chose, and add values the tool can also send`,
    };
  }
  if (distinct.length > 0 && distinct.every((v) => /^[0-9a-f]{16,}$/i.test(v)) && new Set(distinct.map((v) => v.length)).size === 1) {
    return {
      type: 'string',
      format: 'hex',
      review: `REVIEW: hexadecimal of fixed length ${distinct[0]!.length} (${seen}): if it is a hash, of what? A hash of a name or path is still the name`,
    };
  }
  return {
    type: 'string',
    format: 'free-text',
    review: `REVIEW: free text (${seen}): the detectors scan it, but free text is where names, paths and messages leak; narrow it if you can`,
  };
}

export function isObjectList(values: readonly unknown[]): values is Array<Record<string, unknown>> {
  return values.every((v) => isJsonObject(v));
}
