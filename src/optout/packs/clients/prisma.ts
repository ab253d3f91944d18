/**
 * Prisma CLI checkpoint (pinned checkpoint-client@1.1.33, called as prisma@6.19.0 calls it; trigger `node checkpoint.mjs`).
 * Measured (verify:clients): control sent ✗ (flag values in the command), env-disabled ✓, env-zero suppressed ·, do-not-track sent ·, ci sent ·.
 * Details: docs/real-clients.md.
 */
import type { Pack } from '../../pack-schema.js';
import { doNotTrackFor, inCi } from './conventions.js';

export const prismaPack: Pack = {
  name: 'prisma',
  title: 'Prisma CLI checkpoint: usage data opt-outs',
  description:
    'https://www.prisma.io/docs/orm/tools/prisma-cli#opting-out-of-data-collection: CHECKPOINT_DISABLE=1 turns off the version check and usage data. ' +
    'The request is made by a detached child process after the CLI has returned; any non-empty value of the variable disables it.',
  docs: ['https://www.prisma.io/docs/orm/tools/prisma-cli#opting-out-of-data-collection'],
  target: {
    kind: 'cli',
    example: ['node', 'checkpoint.mjs'],
    notes: 'Pinned checkpoint-client@1.1.33 (Prisma 6.19.0). The Prisma CLI downloads engines before it runs, so fixtures/clients/prisma/checkpoint.mjs makes its checkpoint call alone.',
  },
  policy: 'prisma',
  project: {},
  timing: { quietWindowSeconds: 5, timeoutSeconds: 60 },
  common: { environment: { ci: false }, env: { unset: ['CHECKPOINT_DISABLE', 'PRISMA_TELEMETRY_ENDPOINT', 'PRISMA_TELEMETRY_INFORMATION', 'DO_NOT_TRACK'] } },
  scenarios: [
    { name: 'control', title: 'no opt-out (first run, empty cache)', control: true, expect: 'send' },
    { name: 'env-disabled', title: 'CHECKPOINT_DISABLE=1', env: { set: { CHECKPOINT_DISABLE: '1' } }, expect: 'suppress' },
    { name: 'env-zero', title: 'CHECKPOINT_DISABLE=0', description: 'any non-empty value disables; reported only', env: { set: { CHECKPOINT_DISABLE: '0' } }, expect: 'suppress', informational: true },
    doNotTrackFor('Prisma'),
    inCi('the client reports ci=true and its vendor; no CI opt-out is documented'),
  ],
};
