/**
 * A policy compiled for fast, repeated use: matchers become functions, field specs become plain
 * validators (field-validator.ts), patterns become RegExps (once), and every rule id resolves to its documentation and
 * effective severity. Compiling is where a bad policy is caught, with the path of what is wrong.
 */
import type { FieldSpec, Matcher, PayloadKind, Policy, RequestTarget, RuleDoc, Severity } from '../policy/policy-schema.js';
import { compileRegExp, compileValidator, type PayloadValidator } from './field-validator.js';
import { dotPathKeys, getKeysPath } from './json-path.js';
import { PolicyCompileError, type PolicyPath } from './policy-compile-error.js';
import { ENGINE_RULES } from './rules.js';

export { formatPolicyPath, PolicyCompileError, type PolicyPath } from './policy-compile-error.js';
export type { IssueParams } from './field-validator.js';

/** A kind matcher: the parsed payload, and where it was sent (null when the capture does not say). */
export type KindMatcher = (payload: unknown, target: RequestTarget | null) => boolean;

export interface CompiledKind {
  kind: PayloadKind;
  matches: KindMatcher;
  /** The kind's body spec, compiled to a validator (types, formats, enums, unknown fields). */
  schema: PayloadValidator;
  /** The kind's query parameters spec, compiled; null: a query string is request/url-query. */
  query: PayloadValidator | null;
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

export function compileMatcher(m: Matcher, path: PolicyPath): KindMatcher {
  if ('all' in m) {
    const parts = m.all.map((x, i) => compileMatcher(x, [...path, 'all', i]));
    // Loops, not every/some: a closure per call is garbage on every request.
    return (p, t) => {
      for (const f of parts) if (!f(p, t)) return false;
      return true;
    };
  }
  if ('any' in m) {
    const parts = m.any.map((x, i) => compileMatcher(x, [...path, 'any', i]));
    return (p, t) => {
      for (const f of parts) if (f(p, t)) return true;
      return false;
    };
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
  const keys = dotPathKeys(m.path);
  return (payload, target) => {
    const v = m.source === 'query' ? (target?.query && Object.prototype.hasOwnProperty.call(target.query, m.path) ? target.query[m.path] : undefined) : getKeysPath(payload, keys);
    if (m.exists !== undefined && (v !== undefined) !== m.exists) return false;
    if (m.equals !== undefined && v !== m.equals) return false;
    if (set && !set.has(v)) return false;
    if (re && (typeof v !== 'string' || !re.test(v))) return false;
    return true;
  };
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
    return { kind, matches: compileMatcher(kind.match, ['kinds', i, 'match']), schema: compileValidator(kindBodySpec(kind), ['kinds', i, 'schema']), query: kind.query ? compileValidator(kind.query, ['kinds', i, 'query']) : null };
  });
  checkDestinations(policy, ids);
  checkHeaders(policy);
  checkRuleReferences(policy, rules);

  const severities = policy.severities ?? {};
  const wildcards = Object.entries(severities)
    .filter(([k]) => k.endsWith('/*'))
    .map(([k, level]) => ({ prefix: k.slice(0, -1), level }))
    .sort((a, b) => b.prefix.length - a.prefix.length);
  // Every finding asks; the answer per rule never changes under one policy.
  const levels = new Map<string, Severity | 'off' | null>();
  const explicitLevel = (rule: string): Severity | 'off' | undefined => {
    let level = levels.get(rule);
    if (level === undefined) {
      level = (Object.prototype.hasOwnProperty.call(severities, rule) ? severities[rule] : wildcards.find((w) => rule.startsWith(w.prefix))?.level) ?? null;
      levels.set(rule, level);
    }
    return level ?? undefined;
  };
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
