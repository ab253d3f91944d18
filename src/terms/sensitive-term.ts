/**
 * A sensitive term is a value that must not leave the machine in any form: a canary the user
 * planted, a name from their Hasura project, or something that identifies this machine. Its
 * kind ("canary", "metadata:table", "identity:hostname") is safe to print; its value is not.
 */
import type { RuleDoc } from '../policy/policy-schema.js';

export type TermSource = 'canary' | 'metadata' | 'identity';

export interface SensitiveTerm {
  value: string;
  /** "canary", "metadata:<what>" or "identity:<what>": printed in reports instead of the value. */
  kind: string;
}

export function sourceOf(kind: string): TermSource {
  const s = kind.split(':')[0];
  return s === 'metadata' || s === 'identity' ? s : 'canary';
}

export const TERM_RULES = {
  canary: {
    id: 'term/canary',
    severity: 'error',
    title: 'Planted canary found',
    description: 'A canary value given with --canary or --canaries left the machine (raw, encoded, escaped or hashed).',
    leak: true,
  },
  metadata: {
    id: 'term/metadata',
    severity: 'error',
    title: 'Project name found',
    description:
      'A name from the Hasura metadata (source, table, column, role, trigger, action, remote schema, connector, handler URL) was sent, raw, encoded or hashed: the policy says names are never sent.',
    leak: true,
  },
  identity: {
    id: 'term/identity',
    severity: 'error',
    title: 'Local identity found',
    description:
      'Something that identifies this machine or its user (host name, user name, home or project directory, MAC or IP address, git identity or remote) was sent, raw, encoded or hashed.',
    leak: true,
  },
} as const satisfies Record<TermSource, RuleDoc>;

export const TERM_RULE_DOCS: readonly RuleDoc[] = Object.values(TERM_RULES);
