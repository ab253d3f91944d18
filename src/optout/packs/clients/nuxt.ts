/**
 * Nuxt (pinned nuxt@3.21.11 with @nuxt/telemetry 2.9.1; trigger `nuxt prepare` in a Nuxt project).
 * Measured (verify:clients): control ✓, config-false ✓, env-disabled ✓, do-not-track ✓, telemetry-disable ✓, container sent ·, ci sent ·.
 * Details: docs/real-clients.md.
 */
import type { Pack } from '../../pack-schema.js';
import { doNotTrackFor, inCi } from './conventions.js';

const CONFIG = "export default defineNuxtConfig({ compatibilityDate: '2025-07-15', telemetry: false });\n";
export const nuxtPack: Pack = {
  name: 'nuxt',
  title: 'Nuxt: telemetry opt-outs',
  description:
    'https://github.com/nuxt/telemetry#opting-out: `telemetry: false` in nuxt.config, NUXT_TELEMETRY_DISABLED=1, DO_NOT_TRACK=1, `npx @nuxt/telemetry disable`. ' +
    'Every scenario starts as a user who accepted the consent prompt (~/.nuxtrc, read from $XDG_CONFIG_HOME): without consent Nuxt sends nothing.',
  docs: ['https://github.com/nuxt/telemetry'],
  target: { kind: 'cli', example: ['nuxt', 'prepare'], notes: 'Pinned nuxt@3.21.11. Run in a Nuxt project: each scenario prepares its own copy.' },
  policy: 'nuxt',
  project: { exclude: ['.nuxt', '.output', '.nuxtrc'] },
  timing: { quietWindowSeconds: 5, timeoutSeconds: 600 },
  concurrency: 2,
  common: {
    environment: { machine: 'laptop', ci: false },
    env: { unset: ['NUXT_TELEMETRY_DISABLED', 'NUXT_TELEMETRY_DEBUG', 'NUXT_TELEMETRY_ENDPOINT', 'DO_NOT_TRACK'] },
    files: [{ path: '.config/.nuxtrc', text: 'telemetry.consent=1\ntelemetry.enabled=true\n' }],
  },
  scenarios: [
    { name: 'control', title: 'no opt-out (consent given)', control: true, expect: 'send' },
    { name: 'config-false', title: '`telemetry: false` in nuxt.config', files: [{ path: 'nuxt.config.ts', in: 'cwd', text: CONFIG }], expect: 'suppress' },
    { name: 'env-disabled', title: 'NUXT_TELEMETRY_DISABLED=1', env: { set: { NUXT_TELEMETRY_DISABLED: '1' } }, expect: 'suppress' },
    doNotTrackFor('Nuxt', true),
    { name: 'telemetry-disable', title: '`npx @nuxt/telemetry disable` first (project .nuxtrc)', steps: [{ name: 'telemetry-disable', run: ['nuxt-telemetry', 'disable'] }], expect: 'suppress' },
    { name: 'container', title: 'in a container (consent given)', description: 'Docker only skips the prompt; the consent on file still holds', environment: { machine: 'container' }, expect: 'send', informational: true },
    inCi('consent on file: CI only skips the prompt'),
  ],
};
