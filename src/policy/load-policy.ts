/**
 * Load a policy by built-in name or from a JSON/YAML file, and compile it. Every way a policy
 * can be wrong ends here as a ConfigError naming the file, the path inside it and the problem.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import type * as z from 'zod';
import { ConfigError } from '../cli/errors.js';
import { compilePolicy, PolicyCompileError, type CompiledPolicy } from '../engine/compiled-policy.js';
import type { RuleDoc } from './policy-schema.js';
import { PolicySchema, type Policy } from './policy-schema.js';
import { BUILTIN_POLICIES } from './builtin-policies.js';

export function formatZodIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const where = issue.path.length === 0 ? '(top level)' : issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') message = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // Show the closest alternative's problems rather than "invalid input".
      const best = [...issue.errors].sort((a, b) => a.length - b.length)[0];
      if (best && best.length > 0) return formatZodIssues(best.map((i) => ({ ...i, path: [...issue.path, ...i.path] }))).join('; ');
    }
    return `${where}: ${message}`;
  });
}

/** Parse and validate policy text; `file` is only for messages. */
export function parsePolicyText(text: string, file: string): Policy {
  let data: unknown;
  const isYaml = /\.ya?ml$/i.test(file) || !/^\s*[{[]/.test(text);
  try {
    if (isYaml) {
      const doc = YAML.parseDocument(text, { uniqueKeys: true });
      if (doc.errors.length > 0) {
        const e = doc.errors[0]!;
        const pos = e.linePos?.[0];
        throw new ConfigError(`${file}${pos ? `:${pos.line}:${pos.col}` : ''}: invalid YAML: ${e.message.split('\n')[0]}`);
      }
      data = doc.toJS();
    } else {
      data = JSON.parse(text);
    }
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`${file}: invalid ${isYaml ? 'YAML' : 'JSON'}: ${(err as Error).message}`);
  }
  const result = PolicySchema.safeParse(data);
  if (!result.success) {
    const lines = formatZodIssues(result.error.issues);
    throw new ConfigError(`${file}: invalid policy:\n${lines.map((l) => `  ${l}`).join('\n')}`);
  }
  return result.data;
}

export function compileOrExplain(policy: Policy, file: string, extraRules: readonly RuleDoc[] = []): CompiledPolicy {
  try {
    return compilePolicy(policy, extraRules);
  } catch (err) {
    if (err instanceof PolicyCompileError) throw new ConfigError(`${file}: invalid policy:\n  ${err.message}`);
    throw err;
  }
}

export async function loadPolicy(nameOrFile: string, cwd = process.cwd()): Promise<{ policy: Policy; origin: string }> {
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
  return { policy: parsePolicyText(text, nameOrFile), origin: nameOrFile };
}
