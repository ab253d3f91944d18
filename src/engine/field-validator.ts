/**
 * Field specs compiled to plain validator functions: one walk over a payload checks types,
 * formats, enums, ranges and unknown fields, with no schema library at audit time. It raises
 * the issues zod raised for the same spec, in the same order and with the same codes, paths and
 * messages (zod stays the schema of policy files, and a test holds this validator to a zod
 * schema built from the same spec, on every fixture and on a fuzzed corpus), so findings do not
 * change by a byte.
 *
 * What zod does that matters here, and is mirrored: an issue either lets later checks of the
 * same value run (custom checks, ranges, unknown keys) or stops them (a wrong type, a non-integer);
 * a union with no clean option reports the one option that got past its type checks, else
 * "fits none"; an array longer than allowed is reported before (and instead of) its elements.
 */
import type { FieldSpec, StringFormat } from '../policy/policy-schema.js';
import { checkFormat } from './formats.js';
import { PolicyCompileError, type PolicyPath } from './policy-compile-error.js';
import { RULES } from './rules.js';

/** Params of a custom issue: the rule that failed and the offending value. */
export interface IssueParams {
  rule: string;
  message: string;
  evidence?: string;
}

/** One problem with a value, shaped as zod's issue so one reporter serves both. */
export interface FieldIssue {
  code: 'invalid_type' | 'too_small' | 'too_big' | 'invalid_value' | 'invalid_union' | 'custom' | 'unrecognized_keys';
  path: PropertyKey[];
  message: string;
  expected?: string;
  params?: IssueParams;
  keys?: string[];
  note?: string;
  /** true: later checks of the same value still run; false/undefined: they are skipped (zod's abort). */
  continue?: boolean;
}

/** Checks a value at `path` (a stack the walk pushes to and pops), appending issues to `out`. */
export type FieldValidator = (value: unknown, path: PropertyKey[], out: FieldIssue[]) => void;

/** A compiled top-level check: the issues of a payload, empty when it conforms. */
export type PayloadValidator = (value: unknown) => FieldIssue[];

export function compileValidator(spec: FieldSpec, path: PolicyPath): PayloadValidator {
  const validate = compileFieldValidator(spec, path);
  return (value) => {
    const out: FieldIssue[] = [];
    validate(value, [], out);
    return out;
  };
}

export function compileRegExp(source: string, path: PolicyPath, flags = ''): RegExp {
  try {
    return new RegExp(source, flags);
  } catch (err) {
    throw new PolicyCompileError(`invalid regular expression: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`, path);
  }
}

// ---- zod's wording (en locale), for the issues whose message a report shows ----

/** zod's util.parsedType: what a value is called in "received …". */
function parsedType(data: unknown): string {
  const t = typeof data;
  if (t === 'number') return Number.isNaN(data) ? 'NaN' : 'number';
  if (t === 'object') {
    if (data === null) return 'null';
    if (Array.isArray(data)) return 'array';
    const obj = data as { constructor?: { name?: string } };
    if (Object.getPrototypeOf(obj) !== Object.prototype && 'constructor' in obj && obj.constructor) return String(obj.constructor.name);
  }
  return t;
}

function typeIssue(expected: string, value: unknown, path: PropertyKey[], stop?: false): FieldIssue {
  const received = typeof value === 'number' && !Number.isFinite(value) ? String(value) : parsedType(value);
  const issue: FieldIssue = { code: 'invalid_type', expected, path: path.slice(), message: `Invalid input: expected ${expected}, received ${received}` };
  if (stop === false) issue.continue = false;
  return issue;
}

const SIZE_UNITS: Record<string, string | undefined> = { array: 'items', string: 'characters' };

function rangeIssue(code: 'too_small' | 'too_big', origin: string, bound: number, path: PropertyKey[]): FieldIssue {
  const adj = code === 'too_small' ? '>=' : '<=';
  const what = code === 'too_small' ? 'Too small' : 'Too big';
  const unit = SIZE_UNITS[origin];
  const message = unit ? `${what}: expected ${origin} to have ${adj}${bound.toString()} ${unit}` : `${what}: expected ${origin} to be ${adj}${bound.toString()}`;
  return { code, path: path.slice(), message, continue: true };
}

function stringifyPrimitive(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : `${String(value)}`;
}

/** zod's util.aborted: some issue from `start` on stops later checks. */
function aborted(out: readonly FieldIssue[], start: number): boolean {
  for (let i = start; i < out.length; i++) if (out[i]!.continue !== true) return true;
  return false;
}

/** zod's maximum-length check, on a value that is not an array (its one quirk kept). */
function lengthCheck(value: unknown, max: number, at: PropertyKey[], out: FieldIssue[]): void {
  if (value === null || value === undefined) return;
  const units = (value as { length?: unknown }).length;
  if (units === undefined) return;
  const length = typeof value === 'string' && (units as number) > max ? codePointLength(value) : units;
  if ((length as number) <= max) return;
  out.push(rangeIssue('too_big', typeof value === 'string' ? 'string' : 'unknown', max, at));
}

function codePointLength(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    if ((text.charCodeAt(i) & 0xfc00) === 0xd800 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      count--;
      i++;
    }
  }
  return count;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ---- strings: the checks both this validator and the zod reference run ----

interface CompiledDeny {
  re: RegExp;
  rule: { rule: string; message: string; strip?: boolean | undefined };
}

export type StringSpec = Extract<FieldSpec, { type: 'string' }>;

/**
 * A string field's own checks (deny patterns, length, enum, pattern, format, path segments),
 * compiled once; the returned function reports each failure as (rule, message, evidence).
 */
export function compileStringChecks(spec: StringSpec, path: PolicyPath): (raw: string, report: (params: IssueParams) => void) => void {
  const deny: CompiledDeny[] = (spec.deny ?? []).map((d, i) => ({
    re: compileRegExp(d.pattern, [...path, 'deny', i, 'pattern'], d.ignoreCase ? 'gi' : 'g'),
    rule: d,
  }));
  const pattern = spec.pattern !== undefined ? compileRegExp(spec.pattern, [...path, 'pattern']) : null;
  const enumSet = spec.enum ? new Set(spec.enum) : null;
  const segVocabulary = spec.segments ? new Set(spec.segments.vocabulary) : null;
  const segPatterns = (spec.segments?.patterns ?? []).map((p, i) => compileRegExp(`^(?:${p})$`, [...path, 'segments', 'patterns', i]));
  const failRule = spec.rule;
  const format: StringFormat | undefined = spec.format;

  return (raw, report) => {
    let value = raw;
    for (const { re, rule } of deny) {
      re.lastIndex = 0;
      const hits = value.match(re);
      if (hits && hits.length > 0) {
        report({ rule: rule.rule, message: rule.message, evidence: hits.join(' ') });
        if (rule.strip) value = value.replace(re, ' ').replace(/\s+/g, ' ').trim();
      }
    }
    if (spec.maxLength !== undefined && raw.length > spec.maxLength) {
      report({ rule: failRule ?? RULES.format.id, message: spec.message ?? `longer than ${spec.maxLength} characters`, evidence: raw });
    }
    if (enumSet && !enumSet.has(value)) {
      report({ rule: failRule ?? RULES.value.id, message: spec.message ?? 'not one of the values the policy allows', evidence: value });
      return;
    }
    if (pattern && !pattern.test(value)) {
      report({ rule: failRule ?? RULES.format.id, message: spec.message ?? `does not match ${spec.pattern}`, evidence: value });
      return;
    }
    if (format) {
      const failure = checkFormat(format, value);
      if (failure) {
        // A format's own rule (a v1 UUID) is more specific than the field's generic override.
        const rule = failure.rule === RULES.format.id ? (failRule ?? failure.rule) : failure.rule;
        report({ rule, message: failure.message, evidence: value });
        return;
      }
    }
    if (segVocabulary && spec.segments) {
      for (const seg of value.split(/[/?#]/)) {
        if (seg === '' || segVocabulary.has(seg) || segPatterns.some((re) => re.test(seg))) continue;
        report({ rule: spec.segments.rule, message: spec.segments.message, evidence: seg });
      }
    }
  };
}

export function checkRange(min: number | undefined, max: number | undefined, path: PolicyPath): void {
  if (min !== undefined && max !== undefined && min > max) throw new PolicyCompileError(`min (${min}) is greater than max (${max})`, [...path, 'min']);
}

// ---- the compiler ----

/** What a string field's report points at between checks: nothing (it is never written to then). */
const NO_PATH: PropertyKey[] = [];
const NO_ISSUES: FieldIssue[] = [];

export function compileFieldValidator(spec: FieldSpec, path: PolicyPath): FieldValidator {
  const inner = compileInner(spec, path);
  if (!spec.nullable || spec.type === 'null') return inner;
  return (value, at, out) => {
    if (value !== null) inner(value, at, out);
  };
}

function compileInner(spec: FieldSpec, path: PolicyPath): FieldValidator {
  switch (spec.type) {
    case 'string': {
      const checks = compileStringChecks(spec, path);
      // One report function per compiled field, pointed at the value being checked (checks never
      // re-enter a validator): a closure per checked string was garbage on every request.
      let issuesAt: PropertyKey[] = NO_PATH;
      let issues: FieldIssue[] = NO_ISSUES;
      const report = (params: IssueParams): void => {
        issues.push({ code: 'custom', path: issuesAt.slice(), message: params.message, params, continue: true });
      };
      return (value, at, out) => {
        if (typeof value !== 'string') {
          out.push(typeIssue('string', value, at));
          return;
        }
        issuesAt = at;
        issues = out;
        checks(value, report);
        // Not kept past the call: they belong to the request being checked.
        issuesAt = NO_PATH;
        issues = NO_ISSUES;
      };
    }
    case 'integer': {
      checkRange(spec.min, spec.max, path);
      const { min, max } = spec;
      return (value, at, out) => {
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          out.push(typeIssue('number', value, at));
          return;
        }
        if (!Number.isInteger(value)) {
          // zod's int check stops the value's later checks (min, max).
          out.push(typeIssue('int', value, at, false));
          return;
        }
        if (!Number.isSafeInteger(value)) {
          const issue = value > 0 ? rangeIssue('too_big', 'int', Number.MAX_SAFE_INTEGER, at) : rangeIssue('too_small', 'int', Number.MIN_SAFE_INTEGER, at);
          issue.note = 'Integers must be within the safe integer range.';
          out.push(issue);
        }
        if (min !== undefined && !(value >= min)) out.push(rangeIssue('too_small', 'number', min, at));
        if (max !== undefined && !(value <= max)) out.push(rangeIssue('too_big', 'number', max, at));
      };
    }
    case 'number': {
      checkRange(spec.min, spec.max, path);
      const { min, max } = spec;
      const allowed = spec.enum;
      return (value, at, out) => {
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          out.push(typeIssue('number', value, at));
          return;
        }
        if (min !== undefined && !(value >= min)) out.push(rangeIssue('too_small', 'number', min, at));
        if (max !== undefined && !(value <= max)) out.push(rangeIssue('too_big', 'number', max, at));
        if (allowed && !allowed.includes(value)) out.push({ code: 'custom', path: at.slice(), message: `not one of ${allowed.join(', ')}`, continue: true });
      };
    }
    case 'boolean':
      return (value, at, out) => {
        if (typeof value !== 'boolean') out.push(typeIssue('boolean', value, at));
      };
    case 'null':
      return (value, at, out) => {
        if (value !== null) out.push(typeIssue('null', value, at));
      };
    case 'const': {
      const values = new Set<unknown>([spec.value]);
      const message = `Invalid input: expected ${stringifyPrimitive(spec.value)}`;
      return (value, at, out) => {
        if (!values.has(value)) out.push({ code: 'invalid_value', path: at.slice(), message });
      };
    }
    case 'array': {
      const item = compileFieldValidator(spec.items, [...path, 'items']);
      const maxItems = spec.maxItems;
      return (value, at, out) => {
        if (!Array.isArray(value)) {
          out.push(typeIssue('array', value, at));
          // zod still runs its length check on anything with a length (a string, say).
          if (maxItems !== undefined) lengthCheck(value, maxItems, at, out);
          return;
        }
        if (maxItems !== undefined && value.length > maxItems) {
          // zod measures first: a too-long array is that one issue, its elements unchecked.
          const issue = rangeIssue('too_big', 'array', maxItems, at);
          issue.continue = false;
          out.push(issue);
          return;
        }
        for (let i = 0; i < value.length; i++) {
          at.push(i);
          item(value[i], at, out);
          at.pop();
        }
      };
    }
    case 'any-of': {
      const options = spec.options.map((o, i) => compileFieldValidator(o, [...path, 'options', i]));
      if (options.length === 1) return options[0]!;
      return (value, at, out) => {
        const results: FieldIssue[][] = [];
        for (const option of options) {
          const issues: FieldIssue[] = [];
          option(value, at, issues);
          if (issues.length === 0) return;
          results.push(issues);
        }
        // The one option that got past its type checks says what is wrong; else the value fits none.
        const alive = results.filter((r) => !aborted(r, 0));
        if (alive.length === 1) {
          for (const issue of alive[0]!) out.push(issue);
          return;
        }
        out.push({ code: 'invalid_union', path: at.slice(), message: 'Invalid input' });
      };
    }
    case 'object':
      return compileObject(spec, path);
  }
}

type ObjectSpec = Extract<FieldSpec, { type: 'object' }>;

interface ShapeField {
  validate: FieldValidator;
  required: boolean;
}

/** Field validators by name; an object of them, so merged shapes keep zod's (Object.keys) order. */
type Shape = Record<string, ShapeField>;

function shapeOf(fields: Record<string, FieldSpec>, path: PolicyPath): Shape {
  const shape: Shape = {};
  for (const key of Object.keys(fields)) {
    // Presence (missing fields) is judged by the presence walk; only present values are checked here.
    Object.defineProperty(shape, key, { value: { validate: compileFieldValidator(fields[key]!, [...path, 'fields', key]), required: false }, enumerable: true, writable: true, configurable: true });
  }
  return shape;
}

function compileObject(spec: ObjectSpec, path: PolicyPath): FieldValidator {
  const base = shapeOf(spec.fields, path);
  if (!spec.variants) return strictObject(base);
  const { discriminator, cases } = spec.variants;
  if (discriminator in spec.fields) {
    throw new PolicyCompileError(`the discriminator "${discriminator}" must not also be listed in fields`, [...path, 'variants', 'discriminator']);
  }
  const options = Object.entries(cases).map(([tag, c]) => {
    // Like an object spread: a case's field replaces a base field in place; the discriminator comes last.
    const values = new Set<unknown>([tag]);
    const message = `Invalid input: expected ${stringifyPrimitive(tag)}`;
    const tagField: ShapeField = {
      validate: (value, at, out) => {
        if (!values.has(value)) out.push({ code: 'invalid_value', path: at.slice(), message });
      },
      required: true,
    };
    const shape: Shape = { ...base, ...shapeOf(c.fields, [...path, 'variants', 'cases', tag]), [discriminator]: tagField };
    return { tag, validate: strictObject(shape) };
  });
  if (options.length === 0) throw new PolicyCompileError('variants need at least one case', [...path, 'variants', 'cases']);
  if (options.length === 1) return options[0]!.validate;
  const byTag = new Map(options.map((o) => [o.tag, o.validate]));
  const note = 'No matching discriminator';
  const message = `Invalid discriminator value. Expected ${options.map((o) => `'${o.tag}'`).join(' | ')}`;
  return (value, at, out) => {
    if (!isObject(value)) {
      out.push(typeIssue('object', value, at));
      return;
    }
    const option = byTag.get(value[discriminator] as string);
    if (option) {
      option(value, at, out);
      return;
    }
    at.push(discriminator);
    out.push({ code: 'invalid_union', path: at.slice(), message, note });
    at.pop();
  };
}

/** An object that allows exactly its shape's keys: each present value checked, then unknown keys. */
function strictObject(shape: Shape): FieldValidator {
  const entries = Object.keys(shape)
    .filter((key) => key !== '__proto__')
    .map((key) => [key, shape[key]!] as const);
  const keySet = new Set(Object.keys(shape));
  return (value, at, out) => {
    if (!isObject(value)) {
      out.push(typeIssue('object', value, at));
      return;
    }
    for (const [key, field] of entries) {
      if (!(key in value)) {
        // Only the discriminator of a single-case variant is required; a literal never accepts absence.
        if (field.required) {
          at.push(key);
          field.validate(undefined, at, out);
          at.pop();
        }
        continue;
      }
      at.push(key);
      field.validate(value[key], at, out);
      at.pop();
    }
    let unknown: string[] | undefined;
    for (const key in value) {
      if (keySet.has(key)) continue;
      (unknown ??= []).push(key);
    }
    if (unknown) {
      out.push({ code: 'unrecognized_keys', path: at.slice(), keys: unknown, message: `Unrecognized key${unknown.length > 1 ? 's' : ''}: ${unknown.map(stringifyPrimitive).join(', ')}`, continue: true });
    }
  };
}
