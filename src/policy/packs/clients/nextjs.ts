/**
 * Next.js telemetry (https://nextjs.org/telemetry), read from next@16.4.6
 * (dist/telemetry/storage.js, anonymous-meta.js, project-id.js, events/*.js): every request is
 * POST https://telemetry.nextjs.org/api/v1/record with { context, meta, events[] }.
 * The docs promise the command, the version, general machine information, "what Next.js plugins
 * are present" and build duration and size, all anonymous. The code also sends: a per-machine id,
 * a salted SHA-256 of the git remote (else the project directory), the kernel release and CPU
 * model, and, as NEXT_PACKAGE_DETECTED, the name and version range of EVERY dependency in
 * package.json (private packages and file:/git: specifiers included), not only plugins.
 */
import type { FieldSpec, Policy } from '../../policy-schema.js';
import { arrayOf, bool, count, matching, nullable, obj, oneOf, optional, str } from '../../spec-builders.js';
import { arch, byEvent, ciName, cpuModel, duration, hexId, kernelRelease, kindAt, nodeVersion, pkgVersion, platform } from './common.js';

const RULES = {
  dependency: { id: 'nextjs/dependency-name', severity: 'error', title: 'A dependency that is not a Next.js plugin', leak: true,
    description: 'The docs say Next.js records "what Next.js plugins are present"; the build reports every dependency in package.json, private package names included.' },
  specifier: { id: 'nextjs/dependency-specifier', severity: 'error', title: 'A dependency specifier that is not a version range', leak: true,
    description: 'The version range of a dependency is a file path, a git URL or a tarball URL: it names the user\'s repositories or directories.' },
  errorText: { id: 'nextjs/error-text', severity: 'error', title: 'Error text in a build failure', leak: true,
    description: 'NEXT_BUILD_FAILED carries the error code or class name; anything else is error text.' },
  event: { id: 'nextjs/unknown-event', severity: 'error', title: 'An event this policy does not describe',
    description: 'Next.js sent an event name the policy has no case for: review what it carries.' },
} as const;

const num = (): FieldSpec => duration;
const nstr = (p: string): FieldSpec => nullable(matching(p));
const flags = (names: string[]): Record<string, FieldSpec> => Object.fromEntries(names.map((n) => [n, bool()]));
const counts = (names: string[]): Record<string, FieldSpec> => Object.fromEntries(names.map((n) => [n, count()]));
const nbool = (): FieldSpec => nullable(bool());

const sessionStarted: Record<string, FieldSpec> = {
  nextVersion: pkgVersion, nodeVersion, cliCommand: oneOf(['build', 'dev', 'start', 'export', 'lint', 'info', 'telemetry', 'experimental-analyze', 'typegen']),
  ...flags(['isSrcDir', 'hasNowJson', 'hasNextConfig', 'hasWebpackConfig', 'hasBabelConfig', 'imageEnabled', 'imageFutureEnabled', 'basePathEnabled',
    'i18nEnabled', 'trailingSlashEnabled', 'reactStrictMode', 'turboFlag', 'useTurbopackWorkerAssetPrefix', 'isRspack', 'appDir', 'pagesDir', 'reactCompiler', 'adapterPath']),
  isCustomServer: nbool(), buildTarget: oneOf(['default', 'server', 'serverless', 'experimental-serverless-trace']),
  locales: nstr('^[A-Za-z0-9_,-]*$'), localeDomainsCount: nullable(count()), localeDetectionEnabled: nbool(),
  ...counts(['imageDomainsCount', 'imageRemotePatternsCount', 'imageLocalPatternsCount', 'webpackVersion', 'staticStaleTime', 'dynamicStaleTime']),
  imageSizes: matching('^[0-9,]*$'), imageQualities: matching('^[0-9,]*$'), imageLoader: oneOf(['default', 'imgix', 'cloudinary', 'akamai', 'custom']),
  imageFormats: matching('^(image/(webp|avif),?)*$'), nextConfigOutput: nullable(oneOf(['standalone', 'export'])),
  reactCompilerCompilationMode: nstr('^(infer|annotation|all)$'), reactCompilerPanicThreshold: nstr('^(none|critical_errors|all_errors)$'),
};
const pageCounts = ['totalAppPagesCount', 'totalPageCount'];
const buildOptimized: Record<string, FieldSpec> = {
  durationInSeconds: num(), hasStatic404: bool(), hasReportWebVitals: bool(), hasDunderPages: bool(), hasTestPages: bool(), isRspack: bool(),
  ...counts(['staticPageCount', 'staticPropsPageCount', 'serverPropsPageCount', 'ssrPageCount', 'rewritesCount', 'headersCount', 'redirectsCount',
    'headersWithHasCount', 'rewritesWithHasCount', 'redirectsWithHasCount', 'middlewareCount', 'staticAppPagesCount', 'serverAppPagesCount',
    'edgeRuntimeAppCount', 'edgeRuntimePagesCount', ...pageCounts]),
};
const bundler = oneOf(['webpack', 'turbopack', 'rspack']);

const event = byEvent('eventName', {}, {
  NEXT_CLI_SESSION_STARTED: { fields: obj(sessionStarted) },
  NEXT_AGENT_UPGRADE_POLICY_DETECTED: { fields: obj({ schemaVersion: count(), configuredPolicy: matching('^[a-z-]+$'), effectivePolicy: matching('^[a-z-]+$'),
    policySource: matching('^[a-z-]+$'), sourceCommand: matching('^[a-z-]+$') }) },
  NEXT_BUILD_COMPLETED: { fields: obj({ bundler, durationInSeconds: num(), hasDunderPages: bool(), hasTestPages: bool(), ...counts(pageCounts) }) },
  NEXT_BUILD_FAILED: { fields: obj({ bundler, durationInSeconds: num(),
    errorCode: matching('^[A-Za-z][A-Za-z0-9_]{0,63}$', { rule: RULES.errorText.id, message: 'not an error code: error text', description: 'err.code, else the error class name' }) }) },
  NEXT_TYPE_CHECK_COMPLETED: { fields: obj({ durationInSeconds: num(), typescriptVersion: nullable(pkgVersion), typeCheckMode: optional(matching('^[a-z-]+$')),
    inputFilesCount: optional(count()), totalFilesCount: optional(count()), incremental: optional(bool()) }) },
  NEXT_BUILD_OPTIMIZED: { fields: obj(buildOptimized) },
  NEXT_BUILD_FEATURE_USAGE: { fields: obj({ featureName: matching('^@?[A-Za-z][\\w.-]*(/[\\w.@-]+)*$', { description: 'a feature or config key from Next.js\'s own list' }), invocationCount: count() }) },
  NEXT_PACKAGE_DETECTED: { fields: obj({
    packageName: matching('^(next|@next/[a-z0-9-]+|next-[a-z0-9-]+|@zeit/next-[a-z0-9-]+)$', { rule: RULES.dependency.id, message: 'a dependency that is not a Next.js plugin (a package the user chose)' }),
    packageVersion: matching('^[\\^~<>=]*[0-9x*][\\w.*+ |<>=^~-]*$|^(latest|canary|next|\\*)$', { rule: RULES.specifier.id, message: 'a file path, git or tarball URL, or alias in place of a version range' }) }) },
}, RULES.event.id);

const record = obj({
  context: obj({
    anonymousId: hexId(64, 'random per-machine id kept in the Next.js config store (telemetry.anonymousId)'),
    projectId: hexId(64, 'SHA-256 of a local salt + the git remote URL (else REPOSITORY_URL, else the project directory)'),
    sessionId: hexId(64, 'random per-process id'),
  }),
  meta: obj({
    systemPlatform: platform, systemRelease: kernelRelease, systemArchitecture: arch, cpuCount: count(), cpuModel: nullable(cpuModel),
    cpuSpeed: nullable(count()), memoryInMb: count(), isDocker: bool(), isNowDev: bool(), isWsl: bool(), isCI: bool(), ciName,
    nextVersion: pkgVersion, agentName: nullable(str('free-text', { description: 'AI coding agent detected from the environment' })),
  }),
  events: arrayOf(event, { maxItems: 500 }),
});

export const nextjsPolicy: Policy = {
  name: 'nextjs',
  title: 'Next.js telemetry policy (next@16.4.6)',
  version: '1',
  source: 'https://nextjs.org/telemetry and the next@16.4.6 package (dist/telemetry)',
  description: 'Anonymous usage events posted to telemetry.nextjs.org: command, versions, machine information, plugins, build duration and size.',
  destinations: [{ host: 'telemetry.nextjs.org', paths: ['/api/v1/record'], methods: ['POST'], transport: 'http', kinds: ['record'] }],
  loopback: 'skip',
  headers: { allowed: ['host', 'connection', 'content-type', 'accept', 'accept-language', 'sec-fetch-mode', 'user-agent', 'accept-encoding', 'content-length'],
    forbidden: ['cookie', 'authorization', 'proxy-authorization'], unknown: 'warning' },
  unknownFields: 'error',
  kinds: [kindAt('record', 'Next.js telemetry batch', 'telemetry.nextjs.org', '/api/v1/record', record, 'next@16.4.6 dist/telemetry/storage.js')],
  rules: Object.values(RULES),
};
