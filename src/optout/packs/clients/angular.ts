/**
 * Angular CLI (pinned @angular/cli@21.2.27; trigger `ng version`).
 * Measured (verify:clients): control ✓, env-false ✓, analytics-disable SENT ✗ (the command itself sends), env-zero suppressed ·,
 * do-not-track sent ·, ci sent ·.
 * Details: docs/real-clients.md.
 */
import type { Pack } from '../../pack-schema.js';
import { doNotTrackFor, inCi } from './conventions.js';

// The state after a user accepted the analytics prompt: a random user id in the global config.
const consent = { path: '.config/angular/config.json', json: { version: 1, cli: { analytics: '2b0c7d8e-3f4a-4b6c-9d1e-5a7f8b9c0d12' } } };
export const angularPack: Pack = {
  name: 'angular',
  title: 'Angular CLI: analytics opt-outs',
  description:
    'https://angular.dev/cli/analytics: analytics are off until accepted; `ng analytics disable --global` and NG_CLI_ANALYTICS=false turn them off. ' +
    'Every scenario starts as a user who accepted the prompt.',
  docs: ['https://angular.dev/cli/analytics', 'https://angular.dev/cli/analytics/disable'],
  target: { kind: 'cli', example: ['ng', 'version'], notes: 'Pinned @angular/cli@21.2.27. Any command reports run_command; inside a workspace builds report more.' },
  policy: 'angular',
  project: {},
  timing: { quietWindowSeconds: 3, timeoutSeconds: 120 },
  common: { environment: { ci: false }, env: { unset: ['NG_CLI_ANALYTICS', 'DO_NOT_TRACK', 'NG_DEBUG'] }, files: [consent] },
  scenarios: [
    { name: 'control', title: 'no opt-out (analytics accepted)', control: true, expect: 'send' },
    { name: 'env-false', title: 'NG_CLI_ANALYTICS=false', env: { set: { NG_CLI_ANALYTICS: 'false' } }, expect: 'suppress' },
    { name: 'analytics-disable', title: '`ng analytics disable --global` first', steps: [{ name: 'analytics-disable', run: ['ng', 'analytics', 'disable', '--global'] }], expect: 'suppress' },
    { name: 'env-zero', title: 'NG_CLI_ANALYTICS=0', description: 'the code reads 0 as off too; reported only', env: { set: { NG_CLI_ANALYTICS: '0' } }, expect: 'suppress', informational: true },
    doNotTrackFor('Angular'),
    inCi('consent on file: CI only skips the prompt'),
  ],
};
