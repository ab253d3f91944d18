/**
 * Policy text (JSON or YAML) to a validated Policy: the zod schema of policy files, with located
 * problems. Loaded only when a policy comes from a file (load-policy.ts imports it lazily).
 */
import type { ConfigDocument } from '../config/config-document.js';
import { jsonSchemaKeys } from '../config/config-problems.js';
import { parseValidatedDocument } from '../config/validated-document.js';
import { policyJsonSchema } from './policy-json-schema.js';
import { PolicySchema, type Policy } from './policy-schema.js';

export { unsafePatternProblems } from './pattern-safety.js';

let knownKeys: Set<string> | undefined;
function policyKeys(): Set<string> {
  return (knownKeys ??= jsonSchemaKeys(policyJsonSchema()));
}

/** Parse and validate policy text; `file` names it in messages. */
export function parsePolicyDocument(text: string, file: string): { policy: Policy; doc: ConfigDocument } {
  const { value, doc } = parseValidatedDocument(text, file, 'policy', PolicySchema, policyKeys);
  return { policy: value, doc };
}

export function parsePolicyText(text: string, file: string): Policy {
  return parsePolicyDocument(text, file).policy;
}
