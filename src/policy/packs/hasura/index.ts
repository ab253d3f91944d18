/**
 * The built-in Hasura GraphQL Engine policy pack: the published telemetry guide turned into
 * checkable rules, with the wire formats the public code actually sends. Plain data in the
 * same format as a user's policy file (`telemetry-audit policy show hasura` exports it).
 */
import type { Policy } from '../../policy-schema.js';
import { CLI_KINDS } from './cli-kinds.js';
import { CONSOLE_KINDS } from './console-kinds.js';
import { ENTERPRISE_KINDS } from './enterprise-kinds.js';
import { HASURA_RULES } from './rules.js';
import { SERVER_KINDS } from './server-kinds.js';

const HTTP_KINDS = ['server-v1', 'server-v2', 'server-resources', 'ee-metrics', 'ee-source-metrics', 'ee-usage-metrics', 'cli', 'cli-flat', 'server-v1-sample', 'cli-sample'];

export const hasuraPolicy: Policy = {
  name: 'hasura',
  title: 'Hasura GraphQL Engine telemetry policy',
  version: '1',
  source: 'https://hasura.io/docs/latest/policies/telemetry/ (hasura-telemetry-guide.txt) and the public graphql-engine source',
  description:
    'Server, Enterprise server, console and CLI telemetry: counts, random UUIDs, CI name and versions only; no names, arguments, flags or error messages; sent to telemetry.hasura.io only.',
  destinations: [
    { host: 'telemetry.hasura.io', paths: ['/v1/http'], methods: ['POST'], transport: 'http', kinds: HTTP_KINDS },
    { host: 'telemetry.hasura.io', paths: ['/v1/ws'], transport: 'websocket', kinds: ['console-v2', 'console-sample', 'console-ws-open'] },
  ],
  // Talk to a local Hasura server (the CLI's own API calls) never leaves the machine.
  loopback: 'skip',
  headers: {
    allowed: [
      'content-type', 'content-length', 'user-agent', 'host', 'accept', 'accept-encoding', 'connection', 'transfer-encoding',
      'content-encoding', 'upgrade', 'sec-websocket-key', 'sec-websocket-version', 'sec-websocket-extensions',
      'sec-websocket-protocol', 'origin', 'pragma', 'cache-control', 'accept-language',
    ],
    forbidden: [
      'cookie', 'authorization', 'proxy-authorization', 'x-hasura-admin-secret', 'x-hasura-access-key', 'x-hasura-role',
      'x-hasura-user-id',
    ],
    unknown: 'warning',
    userAgent: {
      patterns: [
        '^hasura-graphql-engine/v?[0-9][\\w.+-]*$',
        '^Go-http-client/[12]\\.[01]$',
        '^Mozilla/5\\.0 \\([^()]*\\)',
      ],
      required: false,
      severity: 'warning',
    },
  },
  unknownFields: 'error',
  kinds: [...SERVER_KINDS, ...ENTERPRISE_KINDS, ...CONSOLE_KINDS, ...CLI_KINDS],
  rules: Object.values(HASURA_RULES),
};
