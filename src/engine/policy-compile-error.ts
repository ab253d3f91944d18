/** Where in a policy document something is wrong, and how error messages show that place. */

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
