/**
 * Prisma CLI usage data (https://www.prisma.io/docs/orm/tools/prisma-cli#opting-out-of-data-collection),
 * sent by checkpoint-client 1.1.33 as the Prisma CLI (6.19.0) calls it: a detached child process makes
 * GET https://checkpoint.prisma.io/v1/check/prisma?… with everything in the query string and no body.
 * The docs describe anonymous usage data and a version check. The query carries a per-machine
 * "signature" (a random UUID kept in the checkpoint cache), 8-hex UNSALTED SHA-256 prefixes of the CLI
 * path and the schema path, and the command line as typed, flags and values included (the CLI passes
 * cli_path too; the client does not send it).
 */
import type { FieldSpec, Policy } from '../../policy-schema.js';
import { exactly, matching, oneOf, optional, str } from '../../spec-builders.js';
import { arch, hexId, installId, platform } from './common.js';

const RULES = {
  commandValues: { id: 'prisma/command-values', severity: 'error', title: 'Values in the command', leak: true,
    description: 'The command parameter carries what followed the command name on the command line: flag values and arguments (paths, names, URLs).' },
  information: { id: 'prisma/information', severity: 'warning', title: 'Free text the user set',
    description: '--telemetry-information / PRISMA_TELEMETRY_INFORMATION: text sent as given.' },
} as const;
const list: FieldSpec = matching('^[\\w,-]*$', { description: 'comma-separated provider or feature names' });

const query: FieldSpec = {
  type: 'object',
  fields: {
    checkpoint_version: exactly('4'),
    product: optional(exactly('prisma')),
    version: str('semver'),
    local_timestamp: str('iso-timestamp'),
    information: matching('^$', { rule: RULES.information.id, message: 'text the user set, sent as given' }),
    schema_providers: list, schema_preview_features: optional(list), schema_generators_providers: list,
    command: matching('^[a-z]+( [a-z][a-z-]*)*( --?[a-z][\\w-]*)*$', { rule: RULES.commandValues.id, message: 'the command carries arguments or flag values' }),
    client_event_id: str('uuid-v4'), previous_client_event_id: anyUuidOrEmpty(),
    signature: installId('random per-machine id kept in the checkpoint cache (~/.cache/checkpoint-nodejs/signature)'),
    project_hash: hexId(8, 'UNSALTED SHA-256 prefix of the schema path'),
    cli_path_hash: hexId(8, 'UNSALTED SHA-256 prefix of the CLI\'s install path'),
    arch, os: platform, node_version: matching('^v[0-9]+\\.[0-9]+\\.[0-9]+$'),
    ci: oneOf(['true', 'false']), ci_name: matching('^[\\w .-]*$'),
    cli_install_type: oneOf(['local', 'global', '']), check_if_update_available: oneOf(['true', 'false']),
  },
};
function anyUuidOrEmpty(): FieldSpec {
  return { type: 'any-of', options: [exactly(''), str('uuid-v4')] };
}

export const prismaPolicy: Policy = {
  name: 'prisma',
  title: 'Prisma CLI checkpoint policy (checkpoint-client 1.1.33)',
  version: '1',
  source: 'https://www.prisma.io/docs/orm/tools/prisma-cli and checkpoint-client 1.1.33 (dist/index.js, child.js)',
  description: 'Version check and anonymous usage data: GET checkpoint.prisma.io with the CLI version, command, providers and hashed paths in the query string.',
  destinations: [{ host: 'checkpoint.prisma.io', paths: ['/v1/check/prisma'], methods: ['GET'], transport: 'http', kinds: ['checkpoint'] }],
  loopback: 'skip',
  headers: { allowed: ['accept', 'user-agent', 'accept-encoding', 'host', 'connection'], forbidden: ['cookie', 'authorization', 'proxy-authorization'], unknown: 'warning',
    userAgent: { patterns: ['^prisma/js-checkpoint$'], severity: 'warning' } },
  unknownFields: 'error',
  kinds: [{ id: 'checkpoint', title: 'Prisma checkpoint', source: 'checkpoint-client child.js', transport: 'http',
    match: { destination: { host: 'checkpoint.prisma.io', path: '/v1/check/prisma' } }, body: 'none', query }],
  rules: Object.values(RULES),
};
