/** --policy: which policy to audit against (built-in name or file), and whether a draft may be used. */
import type { CompiledPolicy } from '../../engine/compiled-policy.js';
import { compileOrExplain, describeReviewMarkers, loadPolicy } from '../../policy/load-policy.js';
import type { Policy, RuleDoc } from '../../policy/policy-schema.js';
import type { CliIO, OptionSpec, ParsedArgs } from '../command.js';
import { ConfigError } from '../errors.js';
import { boolOpt, stringOpt } from '../parse-args.js';

export const POLICY_OPTIONS: OptionSpec[] = [
  { name: 'policy', type: 'string', value: 'NAME|FILE', description: 'policy to audit against: a built-in name (hasura) or a JSON/YAML file (default: hasura)' },
  { name: 'allow-draft', type: 'boolean', description: 'audit against a policy that still has "review" markers (a draft from "policy infer")' },
];

export async function loadCompiledPolicy(
  args: ParsedArgs,
  io: CliIO,
  extraRules: readonly RuleDoc[],
): Promise<{ policy: Policy; compiled: CompiledPolicy; notes: string[] }> {
  const { policy, origin, doc } = await loadPolicy(stringOpt(args, 'policy') ?? 'hasura', io.cwd);
  const compiled = compileOrExplain(policy, origin, extraRules, doc);
  const markers = compiled.reviewMarkers.length;
  if (markers === 0) return { policy, compiled, notes: [] };
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
  return { policy, compiled, notes: [`policy ${policy.name} is an unreviewed draft (${markers} review markers): a pass against it is not an approval`] };
}
