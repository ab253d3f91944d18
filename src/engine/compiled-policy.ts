/**
 * A policy compiled for fast, repeated use: matchers become functions, field specs become zod
 * schemas, patterns become RegExps (once), and every rule id resolves to its documentation and
 * effective severity. Compiling is where a bad policy is caught, with the path of what is wrong.
 */
import * as z from 'zod';
import type { DenyRule, FieldSpec, Matcher, PayloadKind, Policy, RequestTarget, RuleDoc, Severity } from '../policy/policy-schema.js';
import { checkFormat } from './formats.js';
import { getDotPath } from './json-path.js';
import { ENGINE_RULES, RULES } from './rules.js';

/** Where in the policy document something is: `['kinds', 0, 'schema', 'fields', 'uuid']`. */
export type PolicyPath = ReadonlyArray<string | number>;

/** `['kinds', 0, 'match']` → `kinds[0].match`, the way error messages show a place in a policy. */
export function formatPolicyPath(path: PolicyPath): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_$][\w$-]*$/.test(p) ? `${i === 0 ? '' : '.'}${p}` : `[${JSON.stringify(p)}]`))
    .join('');
}

export class PolicyCompileError extends Error {
  readonly path: string;
  constructor(
    readonly problem: string,
    readonly segments: PolicyPath,
  ) {
    super(`${formatPolicyPath(segments)}: ${problem}`);
    this.name = 'PolicyCompileError';
    this.path = formatPolicyPath(segments);
  }
}

/** A zod custom issue carries the rule that failed and the offending value as params. */
export interface IssueParams {
  rule: string;
  message: string;
  evidence?: string;
}

/** A kind matcher: the parsed payload, and where it was sent (null when the capture does not say). */
export type KindMatcher = (payload: unknown, target: RequestTarget | null) => boolean;

export interface CompiledKind {
  kind: PayloadKind;
  matches: KindMatcher;
  schema: z.ZodType;
  /** The kind's query parameters spec, compiled; null: a query string is request/url-query. */
  query: z.ZodType | null;
}

/** A field or kind that `policy infer` marked for a human to review. */
export interface ReviewMarker {
  path: PolicyPath;
  note: string;
}

export interface CompiledPolicy {
  policy: Policy;
  kinds: CompiledKind[];
  rules: Map<string, RuleDoc>;
  /** Effective severity of a rule under this policy, or null when the policy turns it off. */
  severityOf(rule: string): Severity | null;
  /** The level `severities` sets for a rule (exact id, else the longest matching wildcard), if any. */
  explicitLevel(rule: string): Severity | 'off' | undefined;
  /** Review markers left by `policy infer`: a policy that has any is a draft. */
  reviewMarkers: ReviewMarker[];
  userAgentPatterns: RegExp[];
  allowedHeaders: Set<string>;
  forbiddenHeaders: Set<string>;
}

function compileRegExp(source: string, path: PolicyPath, flags = ''): RegExp {
  try {
    return new RegExp(source, flags);
  } catch (err) {
    throw new PolicyCompileError(`invalid regular expression: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`, path);
  }
}

export function compileMatcher(m: Matcher, path: PolicyPath): KindMatcher {
  if ('all' in m) {
    const parts = m.all.map((x, i) => compileMatcher(x, [...path, 'all', i]));
    return (p, t) => parts.every((f) => f(p, t));
  }
  if ('any' in m) {
    const parts = m.any.map((x, i) => compileMatcher(x, [...path, 'any', i]));
    return (p, t) => parts.some((f) => f(p, t));
  }
  if ('not' in m) {
    const inner = compileMatcher(m.not, [...path, 'not']);
    return (p, t) => !inner(p, t);
  }
  if ('destination' in m) {
    const d = m.destination;
    const host = d.host?.toLowerCase();
    const method = d.method?.toUpperCase();
    const re = d.pathPattern !== undefined ? compileRegExp(d.pathPattern, [...path, 'destination', 'pathPattern']) : null;
    return (_p, t) => {
      if (!t) return false;
      if (host !== undefined && t.host.toLowerCase() !== host) return false;
      if (d.path !== undefined && t.path !== d.path) return false;
      if (re && !re.test(t.path)) return false;
      if (method !== undefined && t.method.toUpperCase() !== method) return false;
      if (d.transport !== undefined && t.transport !== d.transport) return false;
      return true;
    };
  }
  const re = m.pattern !== undefined ? compileRegExp(m.pattern, [...path, 'pattern']) : null;
  const set = m.in ? new Set<unknown>(m.in) : null;
  return (payload, target) => {
    const v = m.source === 'query' ? (target?.query && Object.prototype.hasOwnProperty.call(target.query, m.path) ? target.query[m.path] : undefined) : getDotPath(payload, m.path);
    if (m.exists !== undefined && (v !== undefined) !== m.exists) return false;
    if (m.equals !== undefined && v !== m.equals) return false;
    if (set && !set.has(v)) return false;
    if (re && (typeof v !== 'string' || !re.test(v))) return false;
    return true;
  };
}

function issue(ctx: z.RefinementCtx, params: IssueParams, path?: PropertyKey[]): void {
  ctx.addIssue({ code: 'custom', message: params.message, params, ...(path ? { path } : {}) });
}

interface CompiledDeny {
  re: RegExp;
  rule: DenyRule;
}

function compileString(spec: Extract<FieldSpec, { type: 'string' }>, path: PolicyPath): z.ZodType {
  const deny: CompiledDeny[] = (spec.deny ?? []).map((d, i) => ({
    re: compileRegExp(d.pattern, [...path, 'deny', i, 'pattern'], d.ignoreCase ? 'gi' : 'g'),
    rule: d,
  }));
  const pattern = spec.pattern !== undefined ? compileRegExp(spec.pattern, [...path, 'pattern']) : null;
  const enumSet = spec.enum ? new Set(spec.enum) : null;
  const segVocabulary = spec.segments ? new Set(spec.segments.vocabulary) : null;
  const segPatterns = (spec.segments?.patterns ?? []).map((p, i) => compileRegExp(`^(?:${p})$`, [...path, 'segments', 'patterns', i]));
  const failRule = spec.rule;

  return z.string().superRefine((raw, ctx) => {
    let value = raw;
    for (const { re, rule } of deny) {
      re.lastIndex = 0;
      const hits = value.match(re);
      if (hits && hits.length > 0) {
        issue(ctx, { rule: rule.rule, message: rule.message, evidence: hits.join(' ') });
        if (rule.strip) value = value.replace(re, ' ').replace(/\s+/g, ' ').trim();
      }
    }
    if (spec.maxLength !== undefined && raw.length > spec.maxLength) {
      issue(ctx, { rule: failRule ?? RULES.format.id, message: spec.message ?? `longer than ${spec.maxLength} characters`, evidence: raw });
    }
    if (enumSet && !enumSet.has(value)) {
      issue(ctx, { rule: failRule ?? RULES.value.id, message: spec.message ?? 'not one of the values the policy allows', evidence: value });
      return;
    }
    if (pattern && !pattern.test(value)) {
      issue(ctx, { rule: failRule ?? RULES.format.id, message: spec.message ?? `does not match ${spec.pattern}`, evidence: value });
      return;
    }
    if (spec.format) {
      const failure = checkFormat(spec.format, value);
      if (failure) {
        // A format's own rule (a v1 UUID) is more specific than the field's generic override.
        const rule = failure.rule === RULES.format.id ? (failRule ?? failure.rule) : failure.rule;
        issue(ctx, { rule, message: failure.message, evidence: value });
        return;
      }
    }
    if (segVocabulary && spec.segments) {
      for (const seg of value.split(/[/?#]/)) {
        if (seg === '' || segVocabulary.has(seg) || segPatterns.some((re) => re.test(seg))) continue;
        issue(ctx, { rule: spec.segments.rule, message: spec.segments.message, evidence: seg });
      }
    }
  });
}

export function compileField(spec: FieldSpec, path: PolicyPath): z.ZodType {
  let schema: z.ZodType;
  switch (spec.type) {
    case 'string':
      schema = compileString(spec, path);
      break;
    case 'integer': {
      checkRange(spec.min, spec.max, path);
      let s = z.number().int();
      if (spec.min !== undefined) s = s.min(spec.min);
      if (spec.max !== undefined) s = s.max(spec.max);
      schema = s;
      break;
    }
    case 'number': {
      checkRange(spec.min, spec.max, path);
      let s = z.number();
      if (spec.min !== undefined) s = s.min(spec.min);
      if (spec.max !== undefined) s = s.max(spec.max);
      const allowed = spec.enum;
      schema = allowed ? s.refine((v) => allowed.includes(v), { message: `not one of ${allowed.join(', ')}` }) : s;
      break;
    }
    case 'boolean':
      schema = z.boolean();
      break;
    case 'null':
      schema = z.null();
      break;
    case 'const':
      schema = z.literal(spec.value);
      break;
    case 'array': {
      let s = z.array(compileField(spec.items, [...path, 'items']));
      if (spec.maxItems !== undefined) s = s.max(spec.maxItems);
      schema = s;
      break;
    }
    case 'any-of': {
      const options = spec.options.map((o, i) => compileField(o, [...path, 'options', i]));
      schema = options.length === 1 ? options[0]! : z.union(options as [z.ZodType, z.ZodType, ...z.ZodType[]]);
      break;
    }
    case 'object':
      schema = compileObject(spec, path);
      break;
  }
  return spec.nullable && spec.type !== 'null' ? schema.nullable() : schema;
}

function checkRange(min: number | undefined, max: number | undefined, path: PolicyPath): void {
  if (min !== undefined && max !== undefined && min > max) throw new PolicyCompileError(`min (${min}) is greater than max (${max})`, [...path, 'min']);
}

function shapeOf(fields: Record<string, FieldSpec>, path: PolicyPath): Record<string, z.ZodType> {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(fields)) {
    // Presence (missing fields) is judged by the presence walk, which knows which absences
    // matter; zod judges only the values that are there.
    shape[key] = compileField(field, [...path, 'fields', key]).optional();
  }
  return shape;
}

function compileObject(spec: Extract<FieldSpec, { type: 'object' }>, path: PolicyPath): z.ZodType {
  const base = shapeOf(spec.fields, path);
  if (!spec.variants) return z.strictObject(base);
  const { discriminator, cases } = spec.variants;
  if (discriminator in spec.fields) {
    throw new PolicyCompileError(`the discriminator "${discriminator}" must not also be listed in fields`, [...path, 'variants', 'discriminator']);
  }
  const options = Object.entries(cases).map(([value, c]) =>
    z.strictObject({ ...base, ...shapeOf(c.fields, [...path, 'variants', 'cases', value]), [discriminator]: z.literal(value) }),
  );
  if (options.length === 0) throw new PolicyCompileError('variants need at least one case', [...path, 'variants', 'cases']);
  return options.length === 1 ? options[0]! : z.discriminatedUnion(discriminator, options as [z.ZodObject, z.ZodObject, ...z.ZodObject[]]);
}

/** What a kind's body may be: its schema, or nothing at all for a kind whose body is "none". */
export function kindBodySpec(kind: PayloadKind): FieldSpec {
  return kind.schema ?? { type: 'null' };
}

export function compilePolicy(policy: Policy, extraRules: readonly RuleDoc[] = []): CompiledPolicy {
  const rules = new Map<string, RuleDoc>();
  for (const r of [...ENGINE_RULES, ...extraRules]) rules.set(r.id, r);
  (policy.rules ?? []).forEach((r, i) => {
    // A policy redefining a rule would silently change what a finding means in every report.
    if (rules.has(r.id)) throw new PolicyCompileError(`rule "${r.id}" is already defined${ENGINE_RULES.some((e) => e.id === r.id) ? ' by the engine' : ''}`, ['rules', i, 'id']);
    rules.set(r.id, r);
  });

  const ids = new Set<string>();
  const kinds = policy.kinds.map((kind, i) => {
    if (ids.has(kind.id)) throw new PolicyCompileError(`duplicate kind id "${kind.id}"`, ['kinds', i, 'id']);
    ids.add(kind.id);
    return { kind, matches: compileMatcher(kind.match, ['kinds', i, 'match']), schema: compileField(kindBodySpec(kind), ['kinds', i, 'schema']), query: kind.query ? compileField(kind.query, ['kinds', i, 'query']) : null };
  });
  checkDestinations(policy, ids);
  checkHeaders(policy);
  checkRuleReferences(policy, rules);

  const severities = policy.severities ?? {};
  const wildcards = Object.entries(severities)
    .filter(([k]) => k.endsWith('/*'))
    .map(([k, level]) => ({ prefix: k.slice(0, -1), level }))
    .sort((a, b) => b.prefix.length - a.prefix.length);
  const explicitLevel = (rule: string): Severity | 'off' | undefined =>
    Object.prototype.hasOwnProperty.call(severities, rule) ? severities[rule] : wildcards.find((w) => rule.startsWith(w.prefix))?.level;
  const userAgentPatterns = (policy.headers?.userAgent?.patterns ?? []).map((p, i) => compileRegExp(p, ['headers', 'userAgent', 'patterns', i]));
  return {
    policy,
    kinds,
    rules,
    severityOf(rule) {
      const level = explicitLevel(rule);
      if (level === 'off') return null;
      if (level) return level;
      return rules.get(rule)?.severity ?? 'error';
    },
    explicitLevel,
    reviewMarkers: collectReviewMarkers(policy),
    userAgentPatterns,
    allowedHeaders: new Set((policy.headers?.allowed ?? []).map((h) => h.toLowerCase())),
    forbiddenHeaders: new Set((policy.headers?.forbidden ?? []).map((h) => h.toLowerCase())),
  };
}

function checkDestinations(policy: Policy, kindIds: ReadonlySet<string>): void {
  policy.destinations.forEach((d, i) => {
    d.kinds?.forEach((k, j) => {
      if (!kindIds.has(k)) throw new PolicyCompileError(`kind "${k}" is not defined in "kinds"`, ['destinations', i, 'kinds', j]);
    });
    d.methods?.forEach((m, j) => {
      if (m !== m.toUpperCase()) throw new PolicyCompileError(`methods are upper-case: write "${m.toUpperCase()}"`, ['destinations', i, 'methods', j]);
    });
    d.paths?.forEach((p, j) => {
      if (!p.startsWith('/')) throw new PolicyCompileError(`a path starts with "/" (got "${p}")`, ['destinations', i, 'paths', j]);
    });
  });
}

function checkHeaders(policy: Policy): void {
  const allowed = new Set((policy.headers?.allowed ?? []).map((h) => h.toLowerCase()));
  policy.headers?.forbidden?.forEach((h, i) => {
    if (allowed.has(h.toLowerCase())) throw new PolicyCompileError(`header "${h}" is both allowed and forbidden`, ['headers', 'forbidden', i]);
  });
}

/** Walk every field spec of every kind, with its path in the policy document. */
export function forEachField(policy: Policy, visit: (spec: FieldSpec, path: PolicyPath) => void): void {
  const walk = (spec: FieldSpec, path: PolicyPath): void => {
    visit(spec, path);
    if (spec.type === 'object') {
      for (const [k, f] of Object.entries(spec.fields)) walk(f, [...path, 'fields', k]);
      if (spec.variants) {
        for (const [v, c] of Object.entries(spec.variants.cases)) {
          for (const [k, f] of Object.entries(c.fields)) walk(f, [...path, 'variants', 'cases', v, 'fields', k]);
        }
      }
    }
    if (spec.type === 'array') walk(spec.items, [...path, 'items']);
    if (spec.type === 'any-of') spec.options.forEach((o, i) => walk(o, [...path, 'options', i]));
  };
  policy.kinds.forEach((k, i) => {
    if (k.schema) walk(k.schema, ['kinds', i, 'schema']);
    if (k.query) walk(k.query, ['kinds', i, 'query']);
  });
}

function collectReviewMarkers(policy: Policy): ReviewMarker[] {
  const out: ReviewMarker[] = [];
  policy.kinds.forEach((k, i) => {
    if (k.review !== undefined) out.push({ path: ['kinds', i, 'review'], note: k.review });
  });
  forEachField(policy, (spec, path) => {
    if (spec.review !== undefined) out.push({ path: [...path, 'review'], note: spec.review });
  });
  return out;
}

/** Every rule a policy names must be documented, or reports would cite a rule nobody can look up. */
function checkRuleReferences(policy: Policy, rules: Map<string, RuleDoc>): void {
  const need = (rule: string | undefined, where: PolicyPath): void => {
    if (rule !== undefined && !rules.has(rule)) {
      throw new PolicyCompileError(`rule "${rule}" is not defined (add it to "rules")`, where);
    }
  };
  forEachField(policy, (spec, path) => {
    need(spec.rule, [...path, 'rule']);
    if (spec.type === 'string') {
      spec.deny?.forEach((d, i) => need(d.rule, [...path, 'deny', i, 'rule']));
      need(spec.segments?.rule, [...path, 'segments', 'rule']);
    }
    if (spec.type === 'object' && spec.variants) need(spec.variants.rule, [...path, 'variants', 'rule']);
  });
  for (const key of Object.keys(policy.severities ?? {})) {
    if (key.endsWith('/*')) {
      const prefix = key.slice(0, -1);
      if (![...rules.keys()].some((r) => r.startsWith(prefix))) {
        throw new PolicyCompileError(`no rule starts with "${prefix}"`, ['severities', key]);
      }
    } else if (!rules.has(key)) {
      throw new PolicyCompileError(`rule "${key}" is not defined`, ['severities', key]);
    }
  }
}
