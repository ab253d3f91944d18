/**
 * Storybook (pinned storybook@10.6.0 with @storybook/html-vite; trigger `storybook build`).
 * Measured (verify:clients): control ✓, env-disabled ✓, flag ✓, main-config ✓, failed-build sent ✗ (error event),
 * failed-build-disabled ✓, do-not-track sent ·, ci sent ·.
 * Details: docs/real-clients.md.
 */
import type { Pack } from '../../pack-schema.js';
import { doNotTrackFor, inCi } from './conventions.js';

const main = (core: string) => ({ path: '.storybook/main.js', in: 'cwd' as const, text: `export default { framework: '@storybook/html-vite', stories: ['../stories/*.stories.js']${core} };\n` });
const off = main(', core: { disableTelemetry: true }');
const broken = { path: 'stories/broken.stories.js', in: 'cwd' as const, text: "export default { title: 'Broken' };\nexport const B = { render: () => missing( };\n" };
export const storybookPack: Pack = {
  name: 'storybook',
  title: 'Storybook: telemetry opt-outs',
  description:
    'https://storybook.js.org/docs/configure/telemetry: `core.disableTelemetry: true` in .storybook/main.js, STORYBOOK_DISABLE_TELEMETRY=1, --disable-telemetry. ' +
    'Disabling telemetry also disables crash reports; crash reports carry error details only when enabled.',
  docs: ['https://storybook.js.org/docs/configure/telemetry'],
  target: { kind: 'cli', example: ['storybook', 'build', '{{optout}}'], notes: 'Pinned storybook@10.6.0. Run in a Storybook project: each scenario builds its own copy.' },
  policy: 'storybook',
  project: { exclude: ['storybook-static'] },
  timing: { quietWindowSeconds: 5, timeoutSeconds: 600 },
  concurrency: 2,
  common: { environment: { ci: false }, env: { unset: ['STORYBOOK_DISABLE_TELEMETRY', 'STORYBOOK_ENABLE_CRASH_REPORTS', 'STORYBOOK_TELEMETRY_URL', 'DO_NOT_TRACK'] } },
  scenarios: [
    { name: 'control', title: 'no opt-out', control: true, expect: 'send' },
    { name: 'env-disabled', title: 'STORYBOOK_DISABLE_TELEMETRY=1', env: { set: { STORYBOOK_DISABLE_TELEMETRY: '1' } }, expect: 'suppress' },
    { name: 'flag', title: '--disable-telemetry', args: { insert: ['--disable-telemetry'] }, expect: 'suppress' },
    { name: 'main-config', title: '`core.disableTelemetry: true` in main.js', files: [off], expect: 'suppress' },
    { name: 'failed-build', title: 'a build that fails (crash reports not enabled)', description: 'the error event is sent, without the error', files: [broken], exitCode: 1, expect: 'send' },
    { name: 'failed-build-disabled', title: 'a failing build with `core.disableTelemetry: true`', files: [off, broken], exitCode: 1, expect: 'suppress' },
    doNotTrackFor('Storybook'),
    inCi('no CI opt-out is documented'),
  ],
};
