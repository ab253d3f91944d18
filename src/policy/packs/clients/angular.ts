/**
 * Angular CLI analytics (https://angular.dev/cli/analytics, @angular/cli@21.2.27, src/analytics/):
 * off until the user accepts the prompt (`cli.analytics` = a random UUID in the global config). Then
 * POST https://www.google-analytics.com/g/collect?<GA4 request parameters> with one urlencoded event
 * per line. The docs promise pseudonymous usage data (commands, versions, no project names). The
 * request parameters carry the user id twice (cid, uid), the kernel release (uapv), and a hard-coded
 * macOS Chrome User-Agent and brand list whatever the machine is.
 */
import type { FieldSpec, Policy } from '../../policy-schema.js';
import { exactly, matching, oneOf, optional, str } from '../../spec-builders.js';
import { arch, installId, kernelRelease, platform } from './common.js';

const RULES = {
  event: { id: 'angular/unknown-field', severity: 'error', title: 'A GA4 parameter this policy does not describe', description: 'Angular sent a parameter the policy has no spec for.' },
} as const;
const digits = (): FieldSpec => matching('^[0-9]+$');
const name = (): FieldSpec => optional(matching('^[\\w@./:-]*$'));

const query: FieldSpec = {
  type: 'object',
  fields: {
    v: exactly('2'), tid: oneOf(['G-VETNJBW8L4', 'G-TBMPRL1BTM']),
    cid: installId('the analytics user id (cli.analytics in the global Angular config), as GA client id'),
    uid: installId('the same user id again, as GA user id'),
    sid: str('uuid-v4', { description: 'random per-process session id' }),
    uaa: arch, uap: platform, uapv: kernelRelease, uamb: exactly('0'), seg: exactly('1'), _dbg: optional(exactly('1')),
    uafvl: matching('^[\\w%;.|()]+$', { description: 'a hard-coded Chrome brand list' }),
  },
};
const event: FieldSpec = {
  type: 'object',
  fields: {
    en: oneOf(['run_command', 'run_schematic', 'run_architect', 'run_build', 'run_rebuild', 'workspace_info']),
    'up.ng_os_architecture': arch, 'up.ng_user_id': installId('the analytics user id, a third time'),
    'up.ng_node_version': matching('^([0-9]+\\.[0-9]+\\.[0-9]+|other)$'), 'upn.ng_node_major_version': digits(),
    'up.ng_package_manager': oneOf(['npm', 'yarn', 'pnpm', 'bun', 'cnpm', 'unknown']), 'up.ng_pkg_manager_version': optional(str('semver')),
    'upn.ng_pkg_manager_major_v': optional(digits()), 'up.ng_cli_version': str('semver'), 'upn.ng_cli_major_version': digits(),
    'ep.ng_command': optional(matching('^[a-z][a-z_-]*( [a-z][a-z_-]*)*$', { description: 'command name (no arguments)' })),
    'ep.ng_schematic_collection_name': name(), 'ep.ng_schematic_name': name(), 'ep.ng_standalone': optional(oneOf(['true', 'false'])),
    'ep.ng_ssr': optional(oneOf(['true', 'false'])), 'ep.ng_style': name(), 'ep.ng_routing': optional(oneOf(['true', 'false'])),
    'ep.ng_inline_template': optional(oneOf(['true', 'false'])), 'ep.ng_inline_style': optional(oneOf(['true', 'false'])),
    'ep.ng_builder_name': name(), 'ep.ng_aot': optional(oneOf(['true', 'false'])), 'ep.ng_optimization': optional(oneOf(['true', 'false'])),
    'epn.ng_all_projects_count': optional(digits()), 'epn.ng_libraries_projects_count': optional(digits()), 'epn.ng_applications_projects_count': optional(digits()),
    'epn.ng_build_time': optional(digits()), 'epn.ng_rebuild_time': optional(digits()),
  },
  unknownFields: 'error',
};

export const angularPolicy: Policy = {
  name: 'angular',
  title: 'Angular CLI analytics policy (@angular/cli@21.2.27)',
  version: '1',
  source: 'https://angular.dev/cli/analytics and @angular/cli@21.2.27 src/analytics/analytics-collector.js',
  description: 'Pseudonymous GA4 usage events after consent: command, schematic and builder names, versions, project counts.',
  destinations: [{ host: 'www.google-analytics.com', paths: ['/g/collect'], methods: ['POST'], transport: 'http', kinds: ['ga4-events'] }],
  loopback: 'skip',
  headers: { allowed: ['user-agent', 'host', 'connection', 'transfer-encoding', 'content-length', 'content-type'], forbidden: ['cookie', 'authorization', 'proxy-authorization'], unknown: 'warning',
    // Hard-coded: a macOS Chrome on every machine.
    userAgent: { patterns: ['^Mozilla/5\\.0 \\(Macintosh; Intel Mac OS X 10_15_7\\) AppleWebKit/537\\.36 \\(KHTML, like Gecko\\) Chrome/111\\.0\\.0\\.0 Safari/537\\.36$'], severity: 'warning' } },
  unknownFields: 'error',
  kinds: [{ id: 'ga4-events', title: 'Angular CLI GA4 events', source: 'analytics-collector.js', transport: 'http',
    match: { destination: { host: 'www.google-analytics.com', path: '/g/collect' } }, body: 'form-lines', query, schema: { type: 'array', items: event, maxItems: 100 } }],
  rules: Object.values(RULES),
};
