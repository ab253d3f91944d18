/**
 * Turborepo (pinned turbo@2.11.11, a Rust binary; trigger `turbo run build` in a workspace).
 * Measured (verify:clients): control ✓, env-disabled ✓, telemetry-disable ✓, env-true suppressed ·, do-not-track suppressed ·, ci sent ·.
 * Details: docs/real-clients.md.
 */
import type { Pack } from '../../pack-schema.js';
import { doNotTrackFor, inCi } from './conventions.js';

export const turboPack: Pack = {
  name: 'turbo',
  title: 'Turborepo: telemetry opt-outs',
  description:
    'https://turborepo.com/docs/telemetry: `turbo telemetry disable` (~/.config/turborepo/telemetry.json) and TURBO_TELEMETRY_DISABLED=1. ' +
    'turbo is a Rust binary: it is captured through the proxy variables and the CA bundle (SSL_CERT_FILE), and its tasks run with a filtered environment.',
  docs: ['https://turborepo.com/docs/telemetry'],
  target: { kind: 'cli', example: ['turbo', 'run', 'build'], notes: 'Pinned turbo@2.11.11. Run in a turbo workspace; the tasks run in each scenario\'s copy.' },
  policy: 'turbo',
  project: { exclude: ['.turbo'] },
  timing: { quietWindowSeconds: 3, timeoutSeconds: 180 },
  common: { env: { set: { TURBO_NO_UPDATE_NOTIFIER: '1' }, unset: ['TURBO_TELEMETRY_DISABLED', 'DO_NOT_TRACK', 'TURBO_TELEMETRY_DEBUG'] }, environment: { ci: false } },
  scenarios: [
    { name: 'control', title: 'no opt-out', control: true, expect: 'send' },
    { name: 'env-disabled', title: 'TURBO_TELEMETRY_DISABLED=1', env: { set: { TURBO_TELEMETRY_DISABLED: '1' } }, expect: 'suppress' },
    { name: 'telemetry-disable', title: '`turbo telemetry disable` first', steps: [{ name: 'telemetry-disable', run: ['turbo', 'telemetry', 'disable'] }], expect: 'suppress' },
    { name: 'env-true', title: 'TURBO_TELEMETRY_DISABLED=true', description: 'another truthy spelling; reported only', env: { set: { TURBO_TELEMETRY_DISABLED: 'true' } }, expect: 'suppress', informational: true },
    doNotTrackFor('Turborepo'),
    inCi('no CI opt-out is documented'),
  ],
};
