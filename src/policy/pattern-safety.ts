/**
 * Reject policy regular expressions that can backtrack super-linearly (ReDoS). Policy patterns run
 * against values a telemetry client sends, so a pattern like `^(a+)+$` lets a 33-character value
 * hang the audit. redos-detector proves a pattern can match each input only one way; its step limit
 * keeps the proof bounded (and deterministic, unlike a timeout), and a pattern it cannot prove
 * within the limit is rejected: fail closed, the author can always write a simpler one.
 */
import { createRequire } from 'node:module';
import type { ConfigProblem } from '../config/config-problems.js';
import type { Policy } from './policy-schema.js';

// redos-detector is CommonJS and a quarter megabyte; only policy files are checked, so an audit
// against a built-in policy never loads it (cold start).
let detector: typeof import('redos-detector') | null = null;
const redosDetector = () => (detector ??= createRequire(import.meta.url)('redos-detector') as typeof import('redos-detector'));

/** Enough for every built-in pattern (see test/policy/pattern-safety.test.ts); a few seconds at worst. */
const MAX_STEPS = 1000;

export interface PolicyPattern {
  path: ReadonlyArray<string | number>;
  /** The source as the engine compiles it (segment patterns are anchored there, so here too). */
  source: string;
  caseInsensitive: boolean;
}

/** Every regular expression in a policy: `pattern`, `pathPattern` and `patterns` keys at any depth. */
export function policyPatterns(policy: Policy): PolicyPattern[] {
  const out: PolicyPattern[] = [];
  const walk = (node: unknown, path: Array<string | number>): void => {
    if (Array.isArray(node)) return node.forEach((v, i) => walk(v, [...path, i]));
    if (node === null || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    for (const [key, value] of Object.entries(obj)) {
      const at = [...path, key];
      if ((key === 'pattern' || key === 'pathPattern') && typeof value === 'string') {
        out.push({ path: at, source: value, caseInsensitive: obj.ignoreCase === true });
      } else if (key === 'patterns' && Array.isArray(value)) {
        const anchored = path[path.length - 1] === 'segments';
        value.forEach((p, i) => {
          if (typeof p === 'string') out.push({ path: [...at, i], source: anchored ? `^(?:${p})$` : p, caseInsensitive: false });
        });
      } else walk(value, at);
    }
  };
  walk(policy, []);
  return out;
}

/** Why a pattern is unsafe, or null when it is safe (or not a valid regex: compiling reports that). */
export function unsafePatternReason(source: string, caseInsensitive = false): string | null {
  try {
    new RegExp(source, caseInsensitive ? 'i' : '');
  } catch {
    return null;
  }
  let result: ReturnType<typeof import('redos-detector').isSafePattern>;
  try {
    result = redosDetector().isSafePattern(source, { maxSteps: MAX_STEPS, caseInsensitive });
  } catch (err) {
    return `cannot be checked for super-linear backtracking (${(err as Error).message}); simplify it`;
  }
  if (result.safe) return null;
  if (result.error === 'hitMaxSteps') return 'is too complex to prove free of super-linear backtracking (ReDoS); simplify it';
  return 'can backtrack super-linearly (ReDoS: some values match it many ways and take exponential or polynomial time); rewrite it so each character can be matched only one way';
}

/** One problem per unsafe pattern, placed at its key path for `file:line:col` messages. */
export function unsafePatternProblems(policy: Policy): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const p of policyPatterns(policy)) {
    const why = unsafePatternReason(p.source, p.caseInsensitive);
    if (why) problems.push({ path: p.path, message: `regular expression /${p.source}/ ${why}` });
  }
  return problems;
}
