/**
 * Load a policy by built-in name or from a JSON/YAML file, and compile it. Every way a policy
 * can be wrong ends here as a ConfigError naming the file, the place in it (line:col and the
 * path inside the document) and the problem, so the CLI exits 2 with something to act on.
 * A built-in policy is plain data already proven valid by its tests: only a policy FILE loads
 * the zod schema and the pattern-safety checker (parse-policy-file.ts), so an audit against a
 * built-in starts without them.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../cli/errors.js';
import type { ConfigDocument } from '../config/config-document.js';
import { formatProblems, invalidDocumentMessage } from '../config/config-problems.js';
import { compilePolicy, formatPolicyPath, PolicyCompileError, type CompiledPolicy } from '../engine/compiled-policy.js';
import { BUILTIN_POLICIES } from './builtin-policies.js';
import type { Policy, RuleDoc } from './policy-schema.js';

export interface LoadedPolicy {
  policy: Policy;
  /** `built-in:NAME` or the file as the user named it. */
  origin: string;
  /** The parsed source, to point at places in it (absent for built-in policies). */
  doc?: ConfigDocument;
}

/** Compile, turning a compile error into the same `file:line:col: path: problem` form. */
export function compileOrExplain(policy: Policy, file: string, extraRules: readonly RuleDoc[] = [], doc?: ConfigDocument): CompiledPolicy {
  try {
    return compilePolicy(policy, extraRules);
  } catch (err) {
    if (err instanceof PolicyCompileError) {
      const lines = formatProblems(file, doc ?? null, [{ path: err.segments, message: err.problem }]);
      throw new ConfigError(invalidDocumentMessage(file, 'policy', lines));
    }
    throw err;
  }
}

export async function loadPolicy(nameOrFile: string, cwd = process.cwd()): Promise<LoadedPolicy> {
  const builtin = BUILTIN_POLICIES[nameOrFile];
  if (builtin) return { policy: builtin, origin: `built-in:${nameOrFile}` };
  const looksLikeFile = /[/\\.]/.test(nameOrFile);
  if (!looksLikeFile) {
    throw new ConfigError(`unknown policy "${nameOrFile}": built-in policies are ${Object.keys(BUILTIN_POLICIES).join(', ')}; or give a .json/.yaml file`);
  }
  const file = path.resolve(cwd, nameOrFile);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${nameOrFile}: cannot read policy file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const { parsePolicyDocument, unsafePatternProblems } = await import('./parse-policy-file.js');
  const { policy, doc } = parsePolicyDocument(text, nameOrFile);
  // Only files are checked: the built-in packs are proven safe by a test, and cold start matters.
  const unsafe = unsafePatternProblems(policy);
  if (unsafe.length > 0) throw new ConfigError(invalidDocumentMessage(nameOrFile, 'policy', formatProblems(nameOrFile, doc, unsafe)));
  return { policy, origin: nameOrFile, doc };
}

/** Lines naming the review markers of a draft policy, each with its place in the file. */
export function describeReviewMarkers(compiled: CompiledPolicy, origin: string, doc?: ConfigDocument): string[] {
  return compiled.reviewMarkers.map((m) => {
    const pos = doc?.locate(m.path, { key: true }) ?? null;
    return `${origin}${pos ? `:${pos.line}:${pos.col}` : ''}: ${formatPolicyPath(m.path)}: ${m.note}`;
  });
}
