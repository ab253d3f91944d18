/**
 * Scenarios for conventions no Hasura document promises but users expect (DO_NOT_TRACK, CI):
 * informational in every pack, so a reviewer sees how the target treats them without the run
 * failing on a promise that was never made.
 */
import type { Scenario } from '../pack-schema.js';

export const doNotTrack: Scenario = {
  name: 'do-not-track',
  title: 'DO_NOT_TRACK=1',
  description: 'the console-do-not-track convention; not promised by the Hasura guide',
  env: { set: { DO_NOT_TRACK: '1' } },
  expect: 'suppress',
  informational: true,
};

/** CI=true: `why` says what the pack's target is expected to do in CI and why. */
export const ciTrue = (why: string): Scenario => ({
  name: 'ci-true',
  title: 'CI=true',
  description: why,
  env: { set: { CI: 'true' } },
  expect: 'send',
  informational: true,
});
