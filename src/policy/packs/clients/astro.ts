/**
 * Astro telemetry (https://astro.build/telemetry/, @astrojs/telemetry 3.3.0 in astro@5.18.2): every request is
 * POST https://telemetry.astro.build/api/v1/record with { context, meta, events[] }. The docs promise anonymous,
 * aggregated data. The code sends a per-machine id, and as anonymousProjectId an UNSALTED SHA-256 of the
 * first git commit or, outside git, of the project directory's absolute path (a dictionary of paths
 * reverses it; the audit's hashed-identity detector does), the kernel release and CPU model, which
 * config keys are set, the names of CLI flags and integrations, and on errors the first 20 characters
 * of the error message (anonymousMessageHint).
 */
import type { FieldSpec, Policy } from '../../policy-schema.js';
import { arrayOf, bool, count, matching, nullable, obj, oneOf, optional, str } from '../../spec-builders.js';
import { arch, byEvent, ciName, cpuModel, hexId, kernelRelease, kindAt, pkgVersion, platform } from './common.js';

const KEYS = {
  top: ['root', 'srcDir', 'publicDir', 'outDir', 'cacheDir', 'site', 'compressHTML', 'base', 'trailingSlash', 'output', 'scopedStyleStrategy', 'adapter', 'integrations', 'build', 'server', 'redirects', 'prefetch', 'image', 'devToolbar', 'markdown', 'vite', 'i18n', 'security', 'env', 'session', 'experimental', 'legacy'],
  build: ['format', 'client', 'server', 'assets', 'assetsPrefix', 'serverEntry', 'redirects', 'inlineStylesheets', 'concurrency'],
  image: ['endpoint', 'service', 'domains', 'remotePatterns', 'layout', 'objectFit', 'objectPosition', 'breakpoints', 'responsiveStyles'],
  markdown: ['syntaxHighlight', 'shikiConfig', 'remarkPlugins', 'rehypePlugins', 'remarkRehype', 'gfm', 'smartypants'],
  experimental: ['clientPrerender', 'contentIntellisense', 'headingIdCompat', 'preserveScriptOrder', 'fonts', 'liveContentCollections', 'csp', 'staticImportMetaEnv', 'chromeDevtoolsWorkspace', 'failOnPrerenderConflict', 'svgo'],
  legacy: ['collections'],
};
const RULES = {
  errorText: { id: 'astro/error-message', severity: 'error', title: 'Error message text', leak: true,
    description: 'ASTRO_CLI_ERROR carries anonymousMessageHint: the first words of the error message (up to 20 characters), which can name the user\'s files or values.' },
  event: { id: 'astro/unknown-event', severity: 'error', title: 'An event this policy does not describe', description: 'Astro sent an event name the policy has no case for.' },
} as const;

const isSet = (keys: string[]): Record<string, FieldSpec> => Object.fromEntries(keys.map((key) => [key, optional(bool())]));
const section = (keys: string[], extra: Record<string, FieldSpec> = {}): FieldSpec => optional(obj({ ...isSet(keys), ...extra }));
const word = (): FieldSpec => optional(matching('^[a-z][\\w-]*$'));
const config = obj({
  ...isSet(KEYS.top),
  build: section(KEYS.build, { format: word() }),
  image: section(KEYS.image),
  markdown: section(KEYS.markdown, { syntaxHighlight: word() }),
  experimental: section(KEYS.experimental),
  legacy: section(KEYS.legacy),
  // Keys of the user's vite config, whatever they are: undocumented.
  vite: optional({ type: 'object', fields: {}, unknownFields: 'warning', description: 'names of the keys set in the vite config' }),
  output: word(), scopedStyleStrategy: word(), trailingSlash: word(),
  adapter: optional(matching('^@?[\\w.-]+(/[\\w.-]+)?$', { description: 'name of the adapter integration' })),
  integrations: optional(arrayOf(matching('^@?[\\w.-]+(/[\\w.-]+)?$', { description: 'integration name (a private integration names itself)' }))),
});
const cliCommand = matching('^[a-z][a-z-]*$');
const event = byEvent('eventName', {}, {
  ASTRO_CLI_SESSION_STARTED: { payload: obj({ cliCommand, config, flags: optional(arrayOf(matching('^[A-Za-z][\\w-]*$', { description: 'names of the CLI flags given (not values)' }))) }) },
  ASTRO_CLI_ERROR: { payload: obj({
    name: matching('^[A-Za-z][\\w]*$'), plugin: optional(str('free-text')), cliCommand, isFatal: bool(), isConfig: optional(bool()),
    configErrorPaths: optional(arrayOf(matching('^[\\w.]*$'))),
    anonymousMessageHint: optional(str('free-text', { documented: false, rule: RULES.errorText.id, description: 'first words of the error message' })),
  }) },
}, RULES.event.id);

const record = obj({
  context: obj({
    isGit: bool(),
    anonymousProjectId: optional(hexId(64, 'UNSALTED SHA-256 of the first git commit, else of the absolute project path')),
    anonymousId: anyId(),
    anonymousSessionId: hexId(64, 'random per-process id'),
    packageManager: optional(oneOf(['npm', 'pnpm', 'yarn', 'bun', 'cnpm'])), packageManagerVersion: optional(pkgVersion),
  }),
  meta: obj({
    nodeVersion: pkgVersion, viteVersion: pkgVersion, astroVersion: pkgVersion, systemPlatform: platform, systemRelease: kernelRelease,
    systemArchitecture: arch, cpuCount: count(), cpuModel: nullable(cpuModel), cpuSpeed: nullable(count()), memoryInMb: count(),
    isDocker: bool(), isTTY: optional(bool()), isWSL: bool(), isCI: bool(), ciName,
  }),
  events: arrayOf(event, { maxItems: 100 }),
});
/** A random per-machine id, or in CI "CI.<vendor>". */
function anyId(): FieldSpec {
  return { type: 'any-of', options: [hexId(64, 'random per-machine id (~/.config/astro/config.json)'), matching('^CI\\.[\\w ]+$')] };
}

export const astroPolicy: Policy = {
  name: 'astro',
  title: 'Astro telemetry policy (astro@5.18.2)',
  version: '1',
  source: 'https://astro.build/telemetry/ and astro@5.18.2 (@astrojs/telemetry 3.3.0, astro/dist/events)',
  description: 'Anonymous CLI usage events posted to telemetry.astro.build: command, config keys set, versions, machine information.',
  destinations: [{ host: 'telemetry.astro.build', paths: ['/api/v1/record'], methods: ['POST'], transport: 'http', kinds: ['record'] }],
  loopback: 'skip',
  headers: { allowed: ['host', 'connection', 'content-type', 'accept', 'accept-language', 'sec-fetch-mode', 'user-agent', 'accept-encoding', 'content-length'],
    forbidden: ['cookie', 'authorization', 'proxy-authorization'], unknown: 'warning' },
  unknownFields: 'error',
  kinds: [kindAt('record', 'Astro telemetry batch', 'telemetry.astro.build', '/api/v1/record', record, '@astrojs/telemetry dist/index.js')],
  rules: Object.values(RULES),
};
