/** DO_NOT_TRACK and CI scenarios for real clients: informational unless the tool's own docs promise them. */
import type { Scenario } from '../../pack-schema.js';

export const doNotTrackFor = (tool: string, promised = false): Scenario => ({
  name: 'do-not-track',
  title: 'DO_NOT_TRACK=1',
  description: promised ? `documented by ${tool}` : `the console-do-not-track convention; not documented by ${tool}`,
  env: { set: { DO_NOT_TRACK: '1' } },
  expect: 'suppress',
  ...(promised ? {} : { informational: true }),
});

/** Runs as in CI (CI=true); `expect` is what the tool documents there, informational unless promised. */
export const inCi = (why: string, expect: 'send' | 'suppress' = 'send', promised = false): Scenario => ({
  name: 'ci',
  title: 'in CI (CI=true)',
  description: why,
  environment: { ci: true },
  expect,
  ...(promised ? {} : { informational: true }),
});
