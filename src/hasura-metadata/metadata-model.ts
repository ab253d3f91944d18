/**
 * A Hasura project as its metadata describes it: only what the telemetry payload counts and
 * the names a user chose. Plain data, produced by read-metadata.ts and consumed by pure code
 * (sensitive terms, the would-be server payload).
 */

export interface MetadataRelationship {
  name: string;
  /** manual_configuration (counted "manual" by the server) vs foreign_key_constraint_on ("auto"). */
  manual: boolean;
  remoteTable?: QualifiedName;
}

export interface QualifiedName {
  /** Schema for SQL sources; the leading path elements for data connectors. */
  schema: string[];
  name: string;
}

export interface MetadataTable {
  table: QualifiedName;
  isEnum: boolean;
  /** Custom names: the table's custom name, custom root fields, custom column names. */
  customNames: string[];
  columns: string[];
  relationships: MetadataRelationship[];
  remoteRelationships: string[];
  /** Roles that have a permission of each type on this table. */
  permissions: { select: string[]; insert: string[]; update: string[]; delete: string[] };
  eventTriggers: Array<{ name: string; webhook?: string; webhookEnv?: string }>;
  file: string;
}

export interface MetadataFunction {
  function: QualifiedName;
  roles: string[];
}

export interface NativeQuery {
  name: string;
  arguments: string[];
  returns?: string;
}

export interface MetadataSource {
  name: string;
  /** postgres, mssql, ... or, for a data connector, the connector name the user registered. */
  kind: string;
  /** Connection URLs and values written in the metadata (not ones taken from the environment). */
  connectionValues: string[];
  tables: MetadataTable[];
  functions: MetadataFunction[];
  nativeQueries: NativeQuery[];
  logicalModels: Array<{ name: string; fields: string[] }>;
  storedProcedures: Array<{ name: string; arguments: string[] }>;
}

export interface MetadataAction {
  name: string;
  type: 'query' | 'mutation';
  kind: 'synchronous' | 'asynchronous';
  handler?: string;
  roles: string[];
  /** Argument names and their GraphQL types, and the output type, from actions.graphql. */
  arguments: Array<{ name: string; type: string }>;
  outputType?: string;
}

export interface HasuraMetadata {
  dir: string;
  version: number;
  sources: MetadataSource[];
  actions: MetadataAction[];
  customTypes: Array<{ name: string; kind: 'object' | 'input_object' | 'scalar' | 'enum'; fields: string[]; relationships: string[] }>;
  remoteSchemas: Array<{ name: string; url?: string; urlEnv?: string; roles: string[] }>;
  cronTriggers: Array<{ name: string; webhook?: string }>;
  inheritedRoles: Array<{ name: string; roleSet: string[] }>;
  /** Data connector names and agent URIs (backend_configs.dataconnector). */
  dataConnectors: Array<{ name: string; uri?: string }>;
  queryCollections: Array<{ name: string; queries: string[] }>;
  restEndpoints: Array<{ name: string; url?: string }>;
  /** Files the reader read, relative to dir. */
  files: string[];
}

/** Source kinds built into the server; any other kind names a data connector. */
export const BUILTIN_SOURCE_KINDS = ['postgres', 'pg', 'citus', 'cockroach', 'mssql', 'bigquery', 'mysql'];
