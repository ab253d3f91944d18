/**
 * Next.js (pinned next@16.4.6; trigger `next build` in a Next.js project).
 * Measured (verify:clients): control sent ✗ (every dependency name, a file: specifier), env-disabled ✓, telemetry-disable ✓,
 * telemetry-disable-container SENT ✗ (saved to ./cache, read from .next/cache), debug ✓, do-not-track sent ·, ci sent ·.
 * Details: docs/real-clients.md.
 */
import type { Pack } from '../../pack-schema.js';
import { doNotTrackFor, inCi } from './conventions.js';

const disable = { name: 'telemetry-disable', run: ['next', 'telemetry', 'disable'] };
export const nextjsPack: Pack = {
  name: 'nextjs',
  title: 'Next.js: telemetry opt-outs',
  description:
    'https://nextjs.org/telemetry: NEXT_TELEMETRY_DISABLED=1, `next telemetry disable`, and NEXT_TELEMETRY_DEBUG=1 ("data will not be sent"). ' +
    'In Docker or CI, Next.js keeps the preference in <project>/.next/cache instead of ~/.config/nextjs-nodejs.',
  docs: ['https://nextjs.org/telemetry'],
  target: { kind: 'cli', example: ['next', 'build'], notes: 'Pinned next@16.4.6. Run in a Next.js project: each scenario builds its own copy.' },
  policy: 'nextjs',
  project: { exclude: ['.next', 'cache'] },
  timing: { quietWindowSeconds: 5, timeoutSeconds: 900 },
  concurrency: 2,
  common: { environment: { machine: 'laptop', ci: false }, env: { unset: ['NEXT_TELEMETRY_DISABLED', 'NEXT_TELEMETRY_DEBUG', 'DO_NOT_TRACK'] } },
  scenarios: [
    { name: 'control', title: 'no opt-out (laptop)', control: true, expect: 'send' },
    { name: 'env-disabled', title: 'NEXT_TELEMETRY_DISABLED=1', env: { set: { NEXT_TELEMETRY_DISABLED: '1' } }, expect: 'suppress' },
    { name: 'telemetry-disable', title: '`next telemetry disable` first (laptop)', steps: [disable], expect: 'suppress' },
    {
      name: 'telemetry-disable-container',
      title: '`next telemetry disable` first, in a container',
      description: 'in Docker the command saves to <project>/cache/config.json, but next build reads <project>/.next/cache (measured: sends)',
      environment: { machine: 'container' },
      steps: [disable],
      expect: 'suppress',
    },
    { name: 'debug', title: 'NEXT_TELEMETRY_DEBUG=1', description: 'printed to stderr, "data will not be sent"', env: { set: { NEXT_TELEMETRY_DEBUG: '1' } }, expect: 'suppress' },
    doNotTrackFor('Next.js'),
    inCi('Next.js documents no CI opt-out; in CI it keeps its preference in the project'),
  ],
};
