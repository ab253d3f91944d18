/** --policy: which policy to audit against (built-in name or file). */
import type { CompiledPolicy } from '../../engine/compiled-policy.js';
import { compileOrExplain, loadPolicy } from '../../policy/load-policy.js';
import type { Policy, RuleDoc } from '../../policy/policy-schema.js';
import type { CliIO, OptionSpec, ParsedArgs } from '../command.js';
import { stringOpt } from '../parse-args.js';

export const POLICY_OPTIONS: OptionSpec[] = [
  { name: 'policy', type: 'string', value: 'NAME|FILE', description: 'policy to audit against: a built-in name (hasura) or a JSON/YAML file (default: hasura)' },
];

export async function loadCompiledPolicy(args: ParsedArgs, io: CliIO, extraRules: readonly RuleDoc[]): Promise<{ policy: Policy; compiled: CompiledPolicy }> {
  const { policy, origin } = await loadPolicy(stringOpt(args, 'policy') ?? 'hasura', io.cwd);
  return { policy, compiled: compileOrExplain(policy, origin, extraRules) };
}
