/**
 * A scenario's target runs in a HOME and working directory the runner made, in place of the
 * user's own: what it sends of them (raw, encoded or hashed; Astro sends an unsalted SHA-256 of its
 * working directory) it would send of the user's. Those directories are searched as the user's
 * identity, under the same kinds as the real ones.
 */
import type { SensitiveTerm } from '../terms/sensitive-term.js';

export function standInIdentity(dirs: ReadonlyArray<{ home: string; cwd: string }>): SensitiveTerm[] {
  return dirs.flatMap((d) => [
    { kind: 'identity:cwd', value: d.cwd },
    { kind: 'identity:home-dir', value: d.home },
  ]);
}

export const STAND_IN_NOTE = "scenario directories: each scenario's HOME and working directory are searched as the user's own (the target sees them in their place)";
