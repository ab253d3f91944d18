/**
 * Astro (pinned astro@5.18.2; trigger `astro build` in an Astro project).
 * Measured (verify:clients): control sent ✗ (unsalted SHA-256 of the project path), env-disabled ✓, telemetry-disable ✓,
 * env-false suppressed ·, generic-env suppressed ·, do-not-track sent ·, ci sent ·.
 * Details: docs/real-clients.md.
 */
import type { Pack } from '../../pack-schema.js';
import { doNotTrackFor, inCi } from './conventions.js';

export const astroPack: Pack = {
  name: 'astro',
  title: 'Astro: telemetry opt-outs',
  description:
    'https://astro.build/telemetry/ and the @astrojs/telemetry README: `astro telemetry disable` ("globally across your entire machine", ' +
    '~/.config/astro/config.json) and ASTRO_TELEMETRY_DISABLED. The code also reads TELEMETRY_DISABLED, and any non-empty value disables.',
  docs: ['https://astro.build/telemetry/', 'https://www.npmjs.com/package/@astrojs/telemetry'],
  target: { kind: 'cli', example: ['astro', 'build'], notes: 'Pinned astro@5.18.2. Run in an Astro project: each scenario builds its own copy.' },
  policy: 'astro',
  project: { exclude: ['dist', '.astro'] },
  timing: { quietWindowSeconds: 5, timeoutSeconds: 600 },
  concurrency: 2,
  common: { environment: { machine: 'laptop', ci: false }, env: { unset: ['ASTRO_TELEMETRY_DISABLED', 'TELEMETRY_DISABLED', 'DO_NOT_TRACK', 'DEBUG'] } },
  scenarios: [
    { name: 'control', title: 'no opt-out', control: true, expect: 'send' },
    { name: 'env-disabled', title: 'ASTRO_TELEMETRY_DISABLED=1', env: { set: { ASTRO_TELEMETRY_DISABLED: '1' } }, expect: 'suppress' },
    { name: 'telemetry-disable', title: '`astro telemetry disable` first', steps: [{ name: 'telemetry-disable', run: ['astro', 'telemetry', 'disable'] }], expect: 'suppress' },
    {
      name: 'env-false', title: 'ASTRO_TELEMETRY_DISABLED=false', description: 'any non-empty value disables, "false" too; reported only',
      env: { set: { ASTRO_TELEMETRY_DISABLED: 'false' } }, expect: 'suppress', informational: true,
    },
    { name: 'generic-env', title: 'TELEMETRY_DISABLED=1', description: 'read by the code, not in the docs', env: { set: { TELEMETRY_DISABLED: '1' } }, expect: 'suppress', informational: true },
    doNotTrackFor('Astro'),
    inCi('Astro skips its notice in CI and sends "CI.<vendor>" as its id; no opt-out is documented'),
  ],
};
