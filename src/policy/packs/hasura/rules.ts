/** Rules the Hasura pack adds: each is one promise of the published telemetry policy. */
import type { RuleDoc } from '../../policy-schema.js';

export const HASURA_RULES = {
  consoleRouteName: {
    id: 'hasura/console-route-name',
    severity: 'error',
    title: 'Name in a console route',
    description:
      'The policy says console routes are anonymised (TABLE_NAME, SCHEMA_NAME, ...), but a route segment is neither a route word nor a placeholder: a source, table, native query or trigger name the sanitiser let through.',
    help: 'Known gaps in the console sanitiser: source names, native query and logical model names, database names in /data/manage/edit, REST endpoint and allow-list names, scheduled trigger names.',
    leak: true,
  },
  cliCommandFlags: {
    id: 'hasura/cli-command-flags',
    severity: 'error',
    title: 'Flag names in the CLI command',
    description: 'The policy says "arguments and flags are not recorded", but the command field carries flag names (newer CLIs append every flag set on the command line).',
    leak: true,
  },
  cliCommandArgs: {
    id: 'hasura/cli-command-args',
    severity: 'error',
    title: 'Arguments or values in the CLI command',
    description: 'The command field is not a known CLI command path: it carries arguments, flag values or other text the policy says is not recorded.',
    leak: true,
  },
  cliErrorText: {
    id: 'hasura/cli-error-text',
    severity: 'error',
    title: 'Error details sent by the CLI',
    description:
      'The policy says error messages are not recorded, but the CLI sends a serialised Go error (operation, kind, source file and line; network errors carry the endpoint URL and IP, server errors their text) or a non-null payload.',
    leak: true,
  },
  dbKindName: {
    id: 'hasura/db-kind-name',
    severity: 'error',
    title: 'Connector name in db_kind',
    description: 'For data connectors, db_kind is the connector name the user chose in metadata: a name the policy says is never sent.',
    leak: true,
  },
  ciVendor: {
    id: 'hasura/ci-vendor',
    severity: 'error',
    title: 'CI value is not a vendor name',
    description: 'The policy says only the name of the CI environment is sent; the value is not one of the vendor names the server reports.',
    leak: true,
  },
  sourceName: {
    id: 'hasura/source-name',
    severity: 'error',
    title: 'Database source name in usage metrics',
    description: 'The documented Enterprise usage sample carries source_name "default"; any other value is a source name the user chose.',
    leak: true,
  },
  tableNamesHash: {
    id: 'hasura/table-names-hash',
    severity: 'error',
    title: 'Hash of table names',
    description:
      'CONNECT_DB sends entity_hash, an unsalted SHA-256 of the tracked table names joined by commas. A hash of names is still the names to anyone with a dictionary; the policy says table names are never sent.',
    leak: true,
  },
} as const satisfies Record<string, RuleDoc>;
