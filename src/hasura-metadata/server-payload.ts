/**
 * The server telemetry payload (topic server_metrics_v2, one per source) that a Hasura server
 * would compute from this metadata, following the server's computeMetrics: tables and views
 * split by whether the table is a view, relationships by manual_configuration (manual) vs
 * foreign_key_constraint_on (auto), permission counts per type and distinct roles, event
 * triggers as the number of tables that have any, remote schemas and actions only on the source
 * named "default". Pure. Where the metadata cannot tell what the server would know, it says so.
 */
import { BUILTIN_SOURCE_KINDS, type HasuraMetadata, type MetadataSource } from './metadata-model.js';

export interface PreviewPayload {
  source: string;
  payload: { topic: string; data: Record<string, unknown> };
  /** What this payload cannot know from metadata alone. */
  unknowns: string[];
}

export interface PreviewOptions {
  hasuraVersion: string;
  metadataDbUid: string;
  instanceUid: string;
  /** db_uid of the default source: the server sends the metadata database's id. */
  defaultDbUid: string;
}

const BACKEND_OF: Record<string, string> = { pg: 'postgres', postgres: 'postgres', citus: 'citus', cockroach: 'cockroach', mssql: 'mssql', bigquery: 'bigquery', mysql: 'mysql' };

export function previewPayloads(md: HasuraMetadata, opts: PreviewOptions): PreviewPayload[] {
  return md.sources.map((s) => previewSource(md, s, opts));
}

function previewSource(md: HasuraMetadata, s: MetadataSource, opts: PreviewOptions): PreviewPayload {
  const isDefault = s.name === 'default';
  const builtin = BUILTIN_SOURCE_KINDS.includes(s.kind.toLowerCase());
  const unknowns = [
    'views: metadata lists views and tables alike (only the database knows which is a view), so every tracked table is counted under "tables" and "views" is 0',
  ];
  const rels = s.tables.flatMap((t) => t.relationships);
  const perms = s.tables.map((t) => t.permissions);
  const roles = new Set(perms.flatMap((p) => [...p.select, ...p.insert, ...p.update, ...p.delete]));
  const metrics: Record<string, unknown> = {
    tables: s.tables.length,
    views: 0,
    enum_tables: s.tables.filter((t) => t.isEnum).length,
    relationships: { manual: rels.filter((r) => r.manual).length, auto: rels.filter((r) => !r.manual).length },
    permissions: {
      select: perms.reduce((n, p) => n + p.select.length, 0),
      insert: perms.reduce((n, p) => n + p.insert.length, 0),
      update: perms.reduce((n, p) => n + p.update.length, 0),
      delete: perms.reduce((n, p) => n + p.delete.length, 0),
      roles: roles.size,
    },
    event_triggers: s.tables.filter((t) => t.eventTriggers.length > 0).length,
    functions: s.functions.length,
    remote_schemas: isDefault ? md.remoteSchemas.length : null,
    service_timings: null,
    actions: isDefault ? actionMetrics(md) : null,
    native_queries: {
      with_parameters: s.nativeQueries.filter((q) => q.arguments.length > 0).length,
      without_parameters: s.nativeQueries.filter((q) => q.arguments.length === 0).length,
    },
    stored_procedures: {
      with_parameters: s.storedProcedures.filter((p) => p.arguments.length > 0).length,
      without_parameters: s.storedProcedures.filter((p) => p.arguments.length === 0).length,
    },
    logical_models: { count: s.logicalModels.length },
  };
  if (isDefault) {
    unknowns.push('service_timings: request timings exist only on a running server; sent as null here');
    unknowns.push('db_version: the version of the metadata database is known only to the server; sent as null here');
  }
  if (s.functions.length > 0) unknowns.push('functions: tracked functions are counted; the server leaves out system-defined ones, which metadata does not mark');
  return {
    source: s.name,
    unknowns,
    payload: {
      topic: 'server_metrics_v2',
      data: {
        metadata_db_uid: opts.metadataDbUid,
        instance_uid: opts.instanceUid,
        hasura_version: opts.hasuraVersion,
        ci: null,
        source_metadata: {
          db_uid: isDefault ? opts.defaultDbUid : null,
          backend_type: builtin ? BACKEND_OF[s.kind.toLowerCase()]! : 'dataconnector',
          // For a data connector the server sends the name the connector was registered under.
          db_kind: s.kind,
          db_version: null,
        },
        metrics,
        experimental_features: [],
      },
    },
  };
}

/**
 * Actions as the server counts them: by type and kind; custom_types is the number of distinct
 * argument types plus distinct output types; type_relationships the distinct relationship
 * names on the actions' output object types.
 */
function actionMetrics(md: HasuraMetadata): Record<string, number> {
  const outputs = new Set(md.actions.map((a) => a.outputType ?? ''));
  const inputs = new Set(md.actions.flatMap((a) => a.arguments.map((x) => x.type)));
  const outputNames = new Set([...outputs].map((t) => t.replace(/[[\]!]/g, '')));
  const relNames = new Set(md.customTypes.filter((t) => t.kind === 'object' && outputNames.has(t.name)).flatMap((t) => t.relationships));
  return {
    synchronous: md.actions.filter((a) => a.type === 'mutation' && a.kind === 'synchronous').length,
    asynchronous: md.actions.filter((a) => a.type === 'mutation' && a.kind === 'asynchronous').length,
    query_actions: md.actions.filter((a) => a.type === 'query').length,
    type_relationships: relNames.size,
    custom_types: inputs.size + [...outputs].filter((o) => o !== '').length,
  };
}
