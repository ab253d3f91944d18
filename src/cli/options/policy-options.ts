/** --policy: which policy to audit against (built-in name or file), and whether a draft may be used. */
import type { ConfigDocument } from '../../config/config-document.js';
import { compilePolicy, PolicyCompileError, type CompiledPolicy } from '../../engine/compiled-policy.js';
import { closest } from '../../config/config-problems.js';
import { compileOrExplain, describeReviewMarkers, loadPolicy } from '../../policy/load-policy.js';
import type { Policy, RuleDoc } from '../../policy/policy-schema.js';
import type { CliIO, OptionSpec, ParsedArgs } from '../command.js';
import { ConfigError, UsageError } from '../errors.js';
import { boolOpt, stringOpt, stringsOpt } from '../parse-args.js';

export const POLICY_OPTIONS: OptionSpec[] = [
  { name: 'policy', type: 'string', value: 'NAME|FILE', description: 'policy to audit against: a built-in name (hasura) or a JSON/YAML file (default: hasura)' },
  {
    name: 'rule',
    type: 'string',
    multiple: true,
    value: 'ID=LEVEL',
    description: 'report rule ID (or every rule of a namespace, "pii/*") at LEVEL: off, warning or error, over the policy\'s severities',
  },
  { name: 'allow-draft', type: 'boolean', description: 'audit against a policy that still has "review" markers (a draft from "policy infer")' },
];

export async function loadCompiledPolicy(
  args: ParsedArgs,
  io: CliIO,
  extraRules: readonly RuleDoc[],
): Promise<{ policy: Policy; compiled: CompiledPolicy; notes: string[]; origin: string }> {
  const loaded = await loadPolicy(stringOpt(args, 'policy') ?? 'hasura', io.cwd);
  const { origin, doc } = loaded;
  const overrides = ruleOverrides(stringsOpt(args, 'rule'));
  const policy: Policy = overrides.size === 0 ? loaded.policy : { ...loaded.policy, severities: { ...loaded.policy.severities, ...Object.fromEntries(overrides) } };
  const compiled = overrides.size === 0 ? compileOrExplain(policy, origin, extraRules, doc) : compileWithOverrides(policy, loaded, extraRules, overrides);
  const markers = compiled.reviewMarkers.length;
  if (markers === 0) return { policy, compiled, notes: [], origin };
  // A draft describes what was seen, not what was promised: passing against it proves nothing.
  if (!boolOpt(args, 'allow-draft')) {
    const lines = describeReviewMarkers(compiled, origin, doc);
    throw new ConfigError(
      [
        `${origin}: the policy is a draft: ${markers} item${markers === 1 ? ' is' : 's are'} marked for review, e.g.`,
        ...lines.slice(0, 3).map((l) => `  ${l}`),
        'Review each one and delete its "review" marker (telemetry-audit policy check lists them all), or pass --allow-draft.',
      ].join('\n'),
    );
  }
  return { policy, compiled, origin, notes: [`policy ${policy.name} is an unreviewed draft (${markers} review markers): a pass against it is not an approval`] };
}

const RULE_LEVELS = ['off', 'warning', 'error'] as const;
type RuleLevel = (typeof RULE_LEVELS)[number];

/** --rule ID=LEVEL, in order (a later one for the same id wins, as config rules come first). */
export function ruleOverrides(values: readonly string[]): Map<string, RuleLevel> {
  const out = new Map<string, RuleLevel>();
  for (const v of values) {
    const m = /^([^=\s]+)=(\w+)$/.exec(v);
    if (!m) throw new UsageError(`--rule needs ID=LEVEL (e.g. pii/email=warning), got "${v}"`);
    const level = m[2] as RuleLevel;
    if (!RULE_LEVELS.includes(level)) throw new UsageError(`--rule ${m[1]}: the level must be one of ${RULE_LEVELS.join(', ')}; got "${m[2]}"`);
    out.delete(m[1]!);
    out.set(m[1]!, level);
  }
  return out;
}

/** Compile with --rule overrides: an override naming no rule is a usage error with the nearest id. */
function compileWithOverrides(policy: Policy, loaded: { policy: Policy; origin: string; doc?: ConfigDocument }, extraRules: readonly RuleDoc[], overrides: Map<string, RuleLevel>): CompiledPolicy {
  try {
    return compilePolicy(policy, extraRules);
  } catch (err) {
    const key = err instanceof PolicyCompileError && err.segments[0] === 'severities' ? String(err.segments[1]) : undefined;
    // A problem of the policy itself is reported against its file, as without overrides.
    if (!(err instanceof PolicyCompileError) || key === undefined || !overrides.has(key)) return compileOrExplain(loaded.policy, loaded.origin, extraRules, loaded.doc);
    const hint = closest(key, compileOrExplain(loaded.policy, loaded.origin, extraRules, loaded.doc).rules.keys());
    throw new UsageError(`--rule ${key}: ${err.problem}${hint ? ` (did you mean "${hint}"?)` : ''}`);
  }
}
