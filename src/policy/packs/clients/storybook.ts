/**
 * Storybook telemetry (https://storybook.js.org/docs/configure/telemetry, storybook@10.6.0,
 * src/telemetry): POST https://storybook.js.org/event-log, one JSON event per request ({ eventType,
 * eventId, sessionId, metadata?, payload, context }). The docs promise anonymous data and no
 * personal information. context.anonymousId is SHA-256 of a FIXED, public salt
 * ("storybook-telemetry-salt") + the git remote URL + the project's path in the repository: anyone
 * with a list of public repositories reverses it. metadata names the framework with its options
 * object as written in main.js, every Storybook package and addon, and bundler versions. Crash
 * reports (eventType "error") carry a sanitised error only when crash reports are enabled.
 */
import type { FieldSpec, Policy } from '../../policy-schema.js';
import { bool, count, matching, nullable, obj, oneOf, optional, str } from '../../spec-builders.js';
import { byEvent, hexId, kindAt, pkgVersion } from './common.js';

const RULES = {
  frameworkOptions: { id: 'storybook/framework-options', severity: 'warning', title: 'Framework options as written in main.js',
    description: 'metadata.framework.options is the options object the user wrote in .storybook/main.js, sent as is.' },
  errorText: { id: 'storybook/error-text', severity: 'error', title: 'Error details', leak: true,
    description: 'An error event carries the error (name, message, stack) of a failed build: text that names files and values.' },
  event: { id: 'storybook/unknown-event', severity: 'error', title: 'An event this policy does not describe', description: 'Storybook sent an eventType the policy has no case for.' },
} as const;
const versions: FieldSpec = { type: 'object', fields: {}, unknownFields: 'warning', description: 'package name → version' };
const anyMap = (description: string, rule?: string): FieldSpec => ({ type: 'object', fields: {}, unknownFields: 'warning', description, ...(rule ? { rule } : {}) });
const metadata: FieldSpec = optional(obj({
  generatedAt: count(), userSince: optional(count()), ...Object.fromEntries(['hasCustomBabel', 'hasCustomWebpack', 'hasCustomVite', 'hasStaticDirs', 'hasStorybookEslint',
    'hasRouterPackage', 'hasModuleFederation'].map((k) => [k, optional(bool())])),
  refCount: optional(count()), knownPackages: optional(anyMap('known packages by group, with versions')),
  framework: optional(obj({ name: matching('^@?[\\w.-]+(/[\\w.-]+)?$'), options: optional(anyMap('framework options from main.js', RULES.frameworkOptions.id)) })),
  builder: optional(matching('^@?[\\w.-]+(/[\\w.-]+)?$')), renderer: optional(matching('^@?[\\w.-]+(/[\\w.-]+)?$')),
  storybookVersion: optional(pkgVersion), storybookVersionSpecifier: optional(str('free-text')), language: optional(oneOf(['javascript', 'typescript'])),
  storybookPackages: optional(versions), addons: optional(anyMap('addon name → options and version')), packageJsonType: optional(oneOf(['module', 'commonjs'])),
  packageManager: optional(anyMap('package manager type and version')), monorepo: optional(str('free-text')), testPackages: optional(versions),
  portableStoriesFileCount: optional(count()), applicationFileCount: optional(count()), preview: optional(anyMap('preview settings')),
}));
const context = obj({
  inCI: optional(bool()), isTTY: optional(bool()), agent: optional(anyMap('coding agent detection')), platform: str('free-text'), nodeVersion: pkgVersion,
  storybookVersion: pkgVersion, cliVersion: optional(pkgVersion),
  anonymousId: optional(hexId(64, 'SHA-256 of a public fixed salt + git remote URL + path in the repository (reversible)')), projectSince: optional(nullable(count())),
});
const storyIndex: FieldSpec = optional(obj(Object.fromEntries(['storyCount', 'componentCount', 'pageStoryCount', 'playStoryCount', 'testStoryCount', 'maxTestsPerStory', 'singleTestStoryCount', 'autodocsCount', 'mdxCount', 'exampleStoryCount', 'exampleDocsCount', 'onboardingStoryCount', 'onboardingDocsCount', 'svelteCsfV4Count', 'svelteCsfV5Count', 'version'].map((k) => [k, optional(count())]))));
const common = { eventId: matching('^[\\w-]{21}$'), sessionId: matching('^[\\w-]{21}$'), metadata, context };
const body = byEvent('eventType', common, {
  boot: { payload: obj({ eventType: matching('^[a-z-]+$') }) },
  build: { payload: optional(obj({ storyIndex, precedingUpgrade: optional(anyMap('last upgrade')) })) },
  dev: { payload: optional(obj({ storyIndex, storyStats: optional(anyMap('story counts')), precedingUpgrade: optional(anyMap('last upgrade')) })) },
  error: { payload: { type: 'object', fields: {}, unknownFields: 'error', description: 'the error of a failed command: any field of it is a finding to review' }, metadata },
  canceled: { payload: optional(anyMap('what was canceled')) },
}, RULES.event.id);

export const storybookPolicy: Policy = {
  name: 'storybook',
  title: 'Storybook telemetry policy (storybook@10.6.0)',
  version: '1',
  source: 'https://storybook.js.org/docs/configure/telemetry and storybook@10.6.0 (src/telemetry)',
  description: 'Anonymous events posted to storybook.js.org/event-log: command, versions, framework, addons, story counts; crash reports only when enabled.',
  destinations: [{ host: 'storybook.js.org', paths: ['/event-log'], methods: ['POST'], transport: 'http', kinds: ['event'] }],
  loopback: 'skip',
  headers: { allowed: ['host', 'connection', 'content-type', 'accept', 'accept-language', 'sec-fetch-mode', 'user-agent', 'accept-encoding', 'content-length'],
    forbidden: ['cookie', 'authorization', 'proxy-authorization'], unknown: 'warning' },
  unknownFields: 'error',
  kinds: [kindAt('event', 'Storybook telemetry event', 'storybook.js.org', '/event-log', body, 'storybook dist/_node-chunks (src/telemetry/telemetry.ts)')],
  rules: Object.values(RULES),
};
