/**
 * A policy compiled for fast, repeated use: matchers become functions, field specs become zod
 * schemas, patterns become RegExps (once), and every rule id resolves to its documentation and
 * effective severity. Compiling is where a bad policy is caught, with the path of what is wrong.
 */
import * as z from 'zod';
import type { DenyRule, FieldSpec, Matcher, PayloadKind, Policy, RuleDoc, Severity } from '../policy/policy-schema.js';
import { checkFormat } from './formats.js';
import { getDotPath } from './json-path.js';
import { ENGINE_RULES, RULES } from './rules.js';

export class PolicyCompileError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'PolicyCompileError';
  }
}

/** A zod custom issue carries the rule that failed and the offending value as params. */
export interface IssueParams {
  rule: string;
  message: string;
  evidence?: string;
}

export interface CompiledKind {
  kind: PayloadKind;
  matches: (payload: unknown) => boolean;
  schema: z.ZodType;
}

export interface CompiledPolicy {
  policy: Policy;
  kinds: CompiledKind[];
  rules: Map<string, RuleDoc>;
  /** Effective severity of a rule under this policy, or null when the policy turns it off. */
  severityOf(rule: string): Severity | null;
  userAgentPatterns: RegExp[];
  allowedHeaders: Set<string>;
  forbiddenHeaders: Set<string>;
}

function compileRegExp(source: string, path: string, flags = ''): RegExp {
  try {
    return new RegExp(source, flags);
  } catch (err) {
    throw new PolicyCompileError(`invalid regular expression: ${(err as Error).message}`, path);
  }
}

export function compileMatcher(m: Matcher, path: string): (payload: unknown) => boolean {
  if ('all' in m) {
    const parts = m.all.map((x, i) => compileMatcher(x, `${path}.all[${i}]`));
    return (p) => parts.every((f) => f(p));
  }
  if ('any' in m) {
    const parts = m.any.map((x, i) => compileMatcher(x, `${path}.any[${i}]`));
    return (p) => parts.some((f) => f(p));
  }
  if ('not' in m) {
    const inner = compileMatcher(m.not, `${path}.not`);
    return (p) => !inner(p);
  }
  const re = m.pattern !== undefined ? compileRegExp(m.pattern, `${path}.pattern`) : null;
  const set = m.in ? new Set<unknown>(m.in) : null;
  return (payload) => {
    const v = getDotPath(payload, m.path);
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

function compileString(spec: Extract<FieldSpec, { type: 'string' }>, path: string): z.ZodType {
  const deny: CompiledDeny[] = (spec.deny ?? []).map((d, i) => ({
    re: compileRegExp(d.pattern, `${path}.deny[${i}].pattern`, d.ignoreCase ? 'gi' : 'g'),
    rule: d,
  }));
  const pattern = spec.pattern !== undefined ? compileRegExp(spec.pattern, `${path}.pattern`) : null;
  const enumSet = spec.enum ? new Set(spec.enum) : null;
  const segVocabulary = spec.segments ? new Set(spec.segments.vocabulary) : null;
  const segPatterns = (spec.segments?.patterns ?? []).map((p, i) => compileRegExp(`^(?:${p})$`, `${path}.segments.patterns[${i}]`));
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

export function compileField(spec: FieldSpec, path: string): z.ZodType {
  let schema: z.ZodType;
  switch (spec.type) {
    case 'string':
      schema = compileString(spec, path);
      break;
    case 'integer': {
      let s = z.number().int();
      if (spec.min !== undefined) s = s.min(spec.min);
      if (spec.max !== undefined) s = s.max(spec.max);
      schema = s;
      break;
    }
    case 'number': {
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
      let s = z.array(compileField(spec.items, `${path}.items`));
      if (spec.maxItems !== undefined) s = s.max(spec.maxItems);
      schema = s;
      break;
    }
    case 'any-of': {
      const options = spec.options.map((o, i) => compileField(o, `${path}.options[${i}]`));
      schema = options.length === 1 ? options[0]! : z.union(options as [z.ZodType, z.ZodType, ...z.ZodType[]]);
      break;
    }
    case 'object':
      schema = compileObject(spec, path);
      break;
  }
  return spec.nullable && spec.type !== 'null' ? schema.nullable() : schema;
}

function shapeOf(fields: Record<string, FieldSpec>, path: string): Record<string, z.ZodType> {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(fields)) {
    // Presence (missing fields) is judged by the presence walk, which knows which absences
    // matter; zod judges only the values that are there.
    shape[key] = compileField(field, `${path}.fields.${key}`).optional();
  }
  return shape;
}

function compileObject(spec: Extract<FieldSpec, { type: 'object' }>, path: string): z.ZodType {
  const base = shapeOf(spec.fields, path);
  if (!spec.variants) return z.strictObject(base);
  const { discriminator, cases } = spec.variants;
  if (discriminator in spec.fields) {
    throw new PolicyCompileError(`the discriminator "${discriminator}" must not also be listed in fields`, `${path}.variants`);
  }
  const options = Object.entries(cases).map(([value, c]) =>
    z.strictObject({ ...base, ...shapeOf(c.fields, `${path}.variants.cases.${value}`), [discriminator]: z.literal(value) }),
  );
  if (options.length === 0) throw new PolicyCompileError('variants need at least one case', `${path}.variants.cases`);
  return options.length === 1 ? options[0]! : z.discriminatedUnion(discriminator, options as [z.ZodObject, z.ZodObject, ...z.ZodObject[]]);
}

export function compilePolicy(policy: Policy, extraRules: readonly RuleDoc[] = []): CompiledPolicy {
  const rules = new Map<string, RuleDoc>();
  for (const r of [...ENGINE_RULES, ...extraRules, ...(policy.rules ?? [])]) rules.set(r.id, r);

  const ids = new Set<string>();
  const kinds = policy.kinds.map((kind, i) => {
    if (ids.has(kind.id)) throw new PolicyCompileError(`duplicate kind id "${kind.id}"`, `kinds[${i}].id`);
    ids.add(kind.id);
    return { kind, matches: compileMatcher(kind.match, `kinds[${i}].match`), schema: compileField(kind.schema, `kinds[${i}].schema`) };
  });
  checkRuleReferences(policy, rules);

  const severities = policy.severities ?? {};
  const userAgentPatterns = (policy.headers?.userAgent?.patterns ?? []).map((p, i) => compileRegExp(p, `headers.userAgent.patterns[${i}]`));
  return {
    policy,
    kinds,
    rules,
    severityOf(rule) {
      const level = severities[rule];
      if (level === 'off') return null;
      if (level) return level;
      return rules.get(rule)?.severity ?? 'error';
    },
    userAgentPatterns,
    allowedHeaders: new Set((policy.headers?.allowed ?? []).map((h) => h.toLowerCase())),
    forbiddenHeaders: new Set((policy.headers?.forbidden ?? []).map((h) => h.toLowerCase())),
  };
}

/** Every rule a policy names must be documented, or reports would cite a rule nobody can look up. */
function checkRuleReferences(policy: Policy, rules: Map<string, RuleDoc>): void {
  const visit = (spec: FieldSpec, path: string): void => {
    const need = (rule: string | undefined, where: string): void => {
      if (rule !== undefined && !rules.has(rule)) {
        throw new PolicyCompileError(`rule "${rule}" is not defined (add it to "rules")`, where);
      }
    };
    need(spec.rule, `${path}.rule`);
    if (spec.type === 'string') {
      spec.deny?.forEach((d, i) => need(d.rule, `${path}.deny[${i}].rule`));
      need(spec.segments?.rule, `${path}.segments.rule`);
    }
    if (spec.type === 'object') {
      for (const [k, f] of Object.entries(spec.fields)) visit(f, `${path}.fields.${k}`);
      if (spec.variants) {
        need(spec.variants.rule, `${path}.variants.rule`);
        for (const [v, c] of Object.entries(spec.variants.cases)) {
          for (const [k, f] of Object.entries(c.fields)) visit(f, `${path}.variants.cases.${v}.fields.${k}`);
        }
      }
    }
    if (spec.type === 'array') visit(spec.items, `${path}.items`);
    if (spec.type === 'any-of') spec.options.forEach((o, i) => visit(o, `${path}.options[${i}]`));
  };
  policy.kinds.forEach((k, i) => visit(k.schema, `kinds[${i}].schema`));
  for (const rule of Object.keys(policy.severities ?? {})) {
    if (!rules.has(rule)) throw new PolicyCompileError(`rule "${rule}" is not defined`, `severities.${rule}`);
  }
}
