/**
 * Gatsby (pinned gatsby-cli@5.16.0; trigger `gatsby --version`).
 * Measured (verify:clients): control SILENT ✗ (telemetry removed, docs still promise it; exit 3), env-disabled ?, telemetry-disable ?,
 * do-not-track suppressed ·.
 * Details: docs/real-clients.md.
 */
import type { Pack } from '../../pack-schema.js';
import { doNotTrackFor } from './conventions.js';

export const gatsbyPack: Pack = {
  name: 'gatsby',
  title: 'Gatsby: telemetry opt-outs',
  description:
    'https://www.gatsbyjs.com/docs/telemetry/: GATSBY_TELEMETRY_DISABLED=1 and `gatsby telemetry --disable`. The docs still promise telemetry that ' +
    'gatsby-cli 5 no longer gathers: the control is expected to send as documented, and a silent control makes the run inconclusive (exit 3).',
  docs: ['https://www.gatsbyjs.com/docs/telemetry/'],
  target: { kind: 'cli', example: ['gatsby', '--version'], notes: 'Pinned gatsby-cli@5.16.0.' },
  policy: 'gatsby',
  project: {},
  timing: { quietWindowSeconds: 5, timeoutSeconds: 120 },
  common: { environment: { ci: false }, env: { unset: ['GATSBY_TELEMETRY_DISABLED', 'DO_NOT_TRACK'] } },
  scenarios: [
    { name: 'control', title: 'no opt-out', description: 'the docs say telemetry is on by default', control: true, expect: 'send' },
    { name: 'env-disabled', title: 'GATSBY_TELEMETRY_DISABLED=1', env: { set: { GATSBY_TELEMETRY_DISABLED: '1' } }, expect: 'suppress' },
    { name: 'telemetry-disable', title: '`gatsby telemetry --disable` first', steps: [{ name: 'telemetry-disable', run: ['gatsby', 'telemetry', '--disable'] }], expect: 'suppress' },
    doNotTrackFor('Gatsby'),
  ],
};
