/**
 * Nuxt telemetry (https://github.com/nuxt/telemetry, @nuxt/telemetry 2.9.1 in nuxt@3.21.11): one
 * POST https://telemetry.nuxt.com/ per command with { timestamp, context, events[] }, only after the
 * user consented (~/.nuxtrc telemetry.consent; the prompt is skipped, and telemetry off, in CI, in
 * Docker and when not interactive). The README promises anonymous data. The code sends a 16-hex
 * project hash that is an UNSALTED SHA-256 of "source#owner#repo" when the project has a git remote
 * (a list of public repositories reverses it), else of the project path and a local seed; the name
 * of every installed module with its version, local modules included; and process.argv[2] as the
 * command, whatever it is.
 */
import type { FieldSpec, Policy } from '../../policy-schema.js';
import { bool, count, matching, nullable, obj, oneOf, optional, str } from '../../spec-builders.js';
import { byEvent, duration, hexId, kindAt, pkgVersion } from './common.js';

const RULES = {
  command: { id: 'nuxt/command-argument', severity: 'error', title: 'Not a Nuxt command', leak: true,
    description: 'The command event is process.argv[2], whatever the user typed there: a path or value in place of a command name.' },
  event: { id: 'nuxt/unknown-event', severity: 'error', title: 'An event this policy does not describe', description: 'Nuxt sent an event name the policy has no case for.' },
} as const;
const COMMANDS = ['dev', 'build', 'generate', 'export', 'serve', 'start', 'prepare', 'preview', 'analyze', 'typecheck', 'test', 'unknown'];

const durations: FieldSpec = { type: 'object', fields: { build: optional(duration), generate: optional(duration) }, unknownFields: 'warning' };
const event = byEvent('name', {}, {
  project: { type: oneOf(['git', 'local']), isSSR: bool(), target: oneOf(['server', 'static']), packageManager: matching('^(npm|yarn|pnpm|bun|deno|unknown)[\\w@.-]*$') },
  session: { id: hexId(16, 'the local telemetry seed (~/.nuxtrc telemetry.seed), sent as the session id') },
  files: { nuxtIgnore: bool(), nuxtRc: bool(), appConfig: bool() },
  command: { command: oneOf(COMMANDS, { rule: RULES.command.id, message: 'not a Nuxt command: process.argv[2] carries something else' }) },
  module: { moduleName: str('free-text', { description: 'name of an installed module (a local module names itself)' }), version: str('free-text'), timing: duration },
  build: { isSuccess: bool(), isDev: bool(), duration: durations },
  generate: { isExport: bool(), routesCount: count(), duration: durations },
}, RULES.event.id);

const body = obj({
  timestamp: count(),
  context: obj({
    nuxtVersion: pkgVersion, nuxtMajorVersion: count(), isEdge: bool(), nodeVersion: pkgVersion,
    cli: matching('^(nuxi|nuxt|nuxt-ts|nuxt-start|programmatic)(-edge|-nightly)?$'), os: oneOf(['linux', 'darwin', 'windows_nt', 'freebsd', 'openbsd', 'sunos', 'aix']),
    environment: str('free-text', { description: 'CI/hosting provider name from std-env, "Docker" or "unknown"' }),
    projectHash: hexId(16, 'UNSALTED SHA-256 (16 hex) of "source#owner#repo" of the git remote; else of the project path + seed'),
    projectSession: hexId(16, 'SHA-256 of the project hash + seed'),
    isAgent: optional(bool()), agentName: optional(nullable(str('free-text'))), nitroPreset: nullable(matching('^[\\w-]+$')),
  }),
  events: { type: 'array', items: event, maxItems: 200 },
});

export const nuxtPolicy: Policy = {
  name: 'nuxt',
  title: 'Nuxt telemetry policy (@nuxt/telemetry 2.9.1, nuxt@3.21.11)',
  version: '1',
  source: 'https://github.com/nuxt/telemetry (README) and @nuxt/telemetry 2.9.1 dist/module.mjs',
  description: 'Anonymous usage events posted to telemetry.nuxt.com after consent: command, versions, modules, project type, build timings.',
  destinations: [{ host: 'telemetry.nuxt.com', paths: ['/'], methods: ['POST'], transport: 'http', kinds: ['nuxt-events'] }],
  loopback: 'skip',
  headers: { allowed: ['host', 'connection', 'content-type', 'accept', 'accept-language', 'sec-fetch-mode', 'user-agent', 'accept-encoding', 'content-length'],
    forbidden: ['cookie', 'authorization', 'proxy-authorization'], unknown: 'warning', userAgent: { patterns: ['^Nuxt Telemetry [0-9.]+$'], severity: 'warning' } },
  unknownFields: 'error',
  kinds: [kindAt('nuxt-events', 'Nuxt telemetry batch', 'telemetry.nuxt.com', '/', body, '@nuxt/telemetry dist/module.mjs')],
  rules: Object.values(RULES),
};
