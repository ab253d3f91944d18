/** Built-in policies by name. */
import type { Policy } from './policy-schema.js';
import { DETECTORS_ONLY_POLICY, detectorsOnlyPolicy } from './detectors-only.js';
import { hasuraPolicy } from './packs/hasura/index.js';

export const BUILTIN_POLICIES: Record<string, Policy> = {
  hasura: hasuraPolicy,
  [DETECTORS_ONLY_POLICY]: detectorsOnlyPolicy,
};
