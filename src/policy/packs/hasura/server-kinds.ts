/** Community-edition server payloads: the guide's v1 sample, the v2 wire format, resources. */
import type { FieldSpec, PayloadKind } from '../../policy-schema.js';
import { anyOf, arrayOf, count, matching, nullable, obj, oneOf, optional, str, undocumented } from '../../spec-builders.js';
import { HASURA_RULES } from './rules.js';
import { SERVER_SAMPLE } from './samples.js';
import { BACKEND_TYPES, CI_VENDORS, DB_KINDS, EXPERIMENTAL_FEATURES, RESOURCE_CHECKER_ERRORS } from './vocabulary.js';

export const ci: FieldSpec = nullable(
  oneOf(CI_VENDORS, { rule: HASURA_RULES.ciVendor.id, message: 'not a CI vendor name the server reports', description: 'CI vendor name, or null outside CI' }),
);
const randomId = (description: string): FieldSpec => str('uuid-v4', { description });

const permissions = obj({ roles: count(), delete: count(), insert: count(), select: count(), update: count() });
const relationships = obj({ auto: count(), manual: count() });

const v1Metrics = obj({
  views: count(),
  tables: count(),
  functions: count(),
  permissions,
  relationships,
  event_triggers: count(),
  remote_schemas: count(),
});

const v1Data = {
  db_uid: randomId('random UUID of the metadata database'),
  instance_uid: randomId('random UUID made at process start'),
  version: str('version', { description: 'server version' }),
  ci,
  metrics: v1Metrics,
};

export const serverV1: PayloadKind = {
  id: 'server-v1',
  title: 'Server metrics v1',
  source: 'wire format of v1.x servers (the guide sample inside a topic envelope)',
  transport: 'http',
  match: { path: 'topic', in: ['server', 'server_test'] },
  schema: obj({ topic: oneOf(['server', 'server_test']), data: obj(v1Data) }),
  sample: SERVER_SAMPLE,
};

export const serverV1Sample: PayloadKind = {
  id: 'server-v1-sample',
  title: 'Server metrics (guide sample)',
  source: 'hasura-telemetry-guide: Server',
  match: { all: [{ path: 'topic', exists: false }, { path: 'db_uid', exists: true }, { path: 'instance_uid', exists: true }] },
  schema: obj({
    // The guide's sample carries a row id and a timestamp, as stored by the receiving end.
    id: optional(count({ description: 'row id in the guide sample' })),
    timestamp: optional(str('iso-timestamp')),
    ...v1Data,
  }),
  sample: SERVER_SAMPLE,
};

const pair = (a: string, b: string) => obj({ [a]: count(), [b]: count() });

const serviceTimings = obj({
  collectionTag: count({ description: 'collection time, unix seconds' }),
  serviceTimingMetrics: arrayOf(
    obj({
      dimensions: obj({
        query_type: oneOf(['Query', 'Mutation']),
        locality: oneOf(['Empty', 'Local', 'Remote', 'Heterogeneous']),
        transport: oneOf(['HTTP', 'WebSocket']),
      }),
      bucket: { type: 'number', enum: [0, 0.001, 0.05, 1, 3600] },
      metrics: obj({ time_io: { type: 'number', min: 0 }, time_tot: { type: 'number', min: 0 }, count: count() }),
    }),
  ),
});

export const serverV2: PayloadKind = {
  id: 'server-v2',
  title: 'Server metrics v2 (one per source)',
  source: 'wire format of v2 servers (Hasura.Server.Telemetry.Types)',
  transport: 'http',
  match: { path: 'topic', in: ['server_metrics_v2', 'server_metrics_v2_test'] },
  schema: obj({
    topic: oneOf(['server_metrics_v2', 'server_metrics_v2_test']),
    data: obj({
      metadata_db_uid: randomId('random UUID of the metadata database'),
      instance_uid: randomId('random UUID made at process start'),
      hasura_version: str('version'),
      ci,
      source_metadata: undocumented(
        obj({
          db_uid: nullable(randomId('random UUID of the database (default source only)')),
          backend_type: oneOf(BACKEND_TYPES),
          db_kind: oneOf(DB_KINDS, { rule: HASURA_RULES.dbKindName.id, message: 'db_kind is not a known database kind: for a data connector it is the name the user gave it' }),
          db_version: nullable(str('integer-string', { description: 'database server version number' })),
        }),
        'per-source backend type, kind and database version',
      ),
      metrics: obj({
        tables: count(),
        views: count(),
        enum_tables: undocumented(count()),
        relationships: pair('manual', 'auto'),
        permissions: obj({ select: count(), insert: count(), update: count(), delete: count(), roles: count() }),
        event_triggers: count(),
        functions: count(),
        remote_schemas: nullable(count()),
        service_timings: undocumented(nullable(serviceTimings), 'query timing histogram'),
        actions: undocumented(
          nullable(obj({ synchronous: count(), asynchronous: count(), query_actions: count(), type_relationships: count(), custom_types: count() })),
        ),
        native_queries: undocumented(pair('with_parameters', 'without_parameters')),
        stored_procedures: undocumented(pair('with_parameters', 'without_parameters')),
        logical_models: undocumented(obj({ count: count() })),
      }),
      experimental_features: undocumented(arrayOf(oneOf(EXPERIMENTAL_FEATURES)), 'experimental features switched on'),
    }),
  }),
  sample: SERVER_SAMPLE,
};

// One code or two joined by "|", listed rather than as a regex: the same set, and a closed list is
// trivially linear where the alternation regex is too branchy for the ReDoS check to prove.
const codes = [...RESOURCE_CHECKER_ERRORS, ...RESOURCE_CHECKER_ERRORS.flatMap((a) => RESOURCE_CHECKER_ERRORS.map((b) => `${a}|${b}`))];
export const resourceCheckerError: FieldSpec = nullable(
  anyOf([
    oneOf(codes),
    // A failed cgroup read reports the parser's own message (Data.Text.Read), not user data.
    matching('^input does not start with a digit$'),
  ]),
);

export const serverResources: PayloadKind = {
  id: 'server-resources',
  title: 'Server resources (CPU and memory)',
  documented: false,
  source: 'wire format of newer servers (ServerTelemetryRow), no topic envelope',
  transport: 'http',
  match: { all: [{ path: 'server_metrics', exists: true }, { path: 'topic', exists: false }] },
  schema: obj({
    server_metrics: obj({
      resource_cpu: nullable(count({ description: 'CPU shares (cores x 1024)' })),
      resource_memory: nullable(count({ description: 'bytes' })),
      resource_checker_error_code: resourceCheckerError,
    }),
  }),
};

export const SERVER_KINDS = [serverV2, serverV1, serverResources, serverV1Sample];
