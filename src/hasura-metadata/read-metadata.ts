/**
 * Read a Hasura metadata directory (the v3 layout the CLI exports: databases/databases.yaml,
 * per-source tables and functions, actions.yaml with actions.graphql, remote_schemas.yaml,
 * cron_triggers.yaml, ...) into a HasuraMetadata. IO lives here; everything that uses the
 * result is pure. `!include <file>` strings are resolved relative to the including file.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import fg from 'fast-glob';
import { parse as parseYaml } from 'yaml';
import type { HasuraMetadata, MetadataAction, MetadataRelationship, MetadataSource, MetadataTable, QualifiedName } from './metadata-model.js';

export class MetadataError extends Error {
  override name = 'MetadataError';
}

type Json = unknown;
const MAX_INCLUDE_DEPTH = 8;

function asArray(v: Json): Json[] {
  return Array.isArray(v) ? v : [];
}
function asObject(v: Json): Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, Json>) : {};
}
function str(v: Json): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export async function readHasuraMetadata(dir: string): Promise<HasuraMetadata> {
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) throw new MetadataError(`${dir}: not a directory (expected a Hasura metadata directory)`);
  const files = (await fg(['**/*.{yaml,yml,graphql}'], { cwd: dir, dot: false, onlyFiles: true })).sort();
  if (!files.includes('databases/databases.yaml')) {
    throw new MetadataError(`${dir}: no databases/databases.yaml: not a Hasura metadata directory in the v3 layout (hasura metadata export writes one)`);
  }
  const read: string[] = [];
  const load = async (rel: string, depth = 0): Promise<Json> => {
    const abs = path.resolve(dir, rel);
    if (path.relative(dir, abs).startsWith('..')) throw new MetadataError(`${rel}: !include points outside ${dir}`);
    let text: string;
    try {
      text = await readFile(abs, 'utf8');
    } catch (err) {
      throw new MetadataError(`${rel}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    read.push(path.relative(dir, abs));
    let doc: Json;
    try {
      doc = parseYaml(text) as Json;
    } catch (err) {
      throw new MetadataError(`${rel}: invalid YAML: ${(err as Error).message.split('\n')[0]}`);
    }
    return resolveIncludes(doc, path.dirname(rel), depth);
  };
  const resolveIncludes = async (v: Json, base: string, depth: number): Promise<Json> => {
    if (typeof v === 'string' && v.startsWith('!include ')) {
      if (depth >= MAX_INCLUDE_DEPTH) throw new MetadataError(`${base}: !include nested deeper than ${MAX_INCLUDE_DEPTH}`);
      return load(path.join(base, v.slice('!include '.length).trim()), depth + 1);
    }
    if (Array.isArray(v)) return Promise.all(v.map((x) => resolveIncludes(x, base, depth)));
    if (typeof v === 'object' && v !== null) {
      const out: Record<string, Json> = {};
      for (const [k, x] of Object.entries(v)) out[k] = await resolveIncludes(x, base, depth);
      return out;
    }
    return v;
  };
  const optional = async (rel: string): Promise<Json> => (files.includes(rel) ? load(rel) : undefined);

  const version = Number(asObject(await optional('version.yaml')).version ?? 3);
  if (version !== 3) throw new MetadataError(`${dir}: metadata version ${version}; only the v3 directory layout is read`);

  const databases = await load('databases/databases.yaml');
  if (!Array.isArray(databases)) throw new MetadataError('databases/databases.yaml: expected a list of sources');
  const sources = databases.map((s, i) => readSource(s, `databases/databases.yaml[${i}]`));

  const actionsDoc = asObject(await optional('actions.yaml'));
  const sdl = files.includes('actions.graphql') ? await readFile(path.join(dir, 'actions.graphql'), 'utf8') : '';
  if (sdl) read.push('actions.graphql');
  const signatures = parseActionSdl(sdl);
  const actions: MetadataAction[] = asArray(actionsDoc.actions).map((a) => {
    const o = asObject(a);
    const def = asObject(o.definition);
    const name = str(o.name) ?? '';
    const sig = signatures.get(name);
    const type = def.type === 'query' || sig?.root === 'Query' ? 'query' : 'mutation';
    return {
      name,
      type,
      kind: def.kind === 'asynchronous' ? 'asynchronous' : 'synchronous',
      ...(str(def.handler) ? { handler: str(def.handler)! } : {}),
      roles: asArray(o.permissions).map((p) => str(asObject(p).role)).filter((r): r is string => !!r),
      arguments: sig?.arguments ?? [],
      ...(sig?.outputType ? { outputType: sig.outputType } : {}),
    };
  });
  const ct = asObject(actionsDoc.custom_types);
  const customTypes: HasuraMetadata['customTypes'] = [];
  for (const [key, kind] of [['objects', 'object'], ['input_objects', 'input_object'], ['scalars', 'scalar'], ['enums', 'enum']] as const) {
    for (const t of asArray(ct[key])) {
      const o = asObject(t);
      const name = str(o.name);
      if (!name) continue;
      customTypes.push({
        name,
        kind,
        fields: [...asArray(o.fields), ...asArray(o.values)].map((f) => str(asObject(f).name) ?? str(asObject(f).value)).filter((x): x is string => !!x),
        relationships: asArray(o.relationships).map((r) => str(asObject(r).name)).filter((x): x is string => !!x),
      });
    }
  }
  // Fields of action types are declared in actions.graphql; they are names the user chose too.
  for (const t of customTypes) if (t.fields.length === 0) t.fields = signatures.typeFields.get(t.name) ?? [];

  const remoteSchemas = asArray(await optional('remote_schemas.yaml')).map((r) => {
    const o = asObject(r);
    const def = asObject(o.definition);
    return {
      name: str(o.name) ?? '',
      ...(str(def.url) ? { url: str(def.url)! } : {}),
      ...(str(def.url_from_env) ? { urlEnv: str(def.url_from_env)! } : {}),
      roles: asArray(o.permissions).map((p) => str(asObject(p).role)).filter((x): x is string => !!x),
    };
  });
  const cronTriggers = asArray(await optional('cron_triggers.yaml')).map((c) => {
    const o = asObject(c);
    return { name: str(o.name) ?? '', ...(str(o.webhook) ? { webhook: str(o.webhook)! } : {}) };
  });
  const inheritedRoles = asArray(await optional('inherited_roles.yaml')).map((r) => {
    const o = asObject(r);
    return { name: str(o.role_name) ?? '', roleSet: asArray(o.role_set).map(str).filter((x): x is string => !!x) };
  });
  const dataConnectors = Object.entries(asObject(asObject(await optional('backend_configs.yaml')).dataconnector)).map(([name, cfg]) => ({
    name,
    ...(str(asObject(cfg).uri) ? { uri: str(asObject(cfg).uri)! } : {}),
  }));
  const queryCollections = asArray(await optional('query_collections.yaml')).map((q) => {
    const o = asObject(q);
    return { name: str(o.name) ?? '', queries: asArray(asObject(o.definition).queries).map((x) => str(asObject(x).name)).filter((x): x is string => !!x) };
  });
  const restEndpoints = asArray(await optional('rest_endpoints.yaml')).map((r) => {
    const o = asObject(r);
    return { name: str(o.name) ?? '', ...(str(o.url) ? { url: str(o.url)! } : {}) };
  });

  return {
    dir,
    version,
    sources,
    actions,
    customTypes,
    remoteSchemas,
    cronTriggers,
    inheritedRoles,
    dataConnectors,
    queryCollections,
    restEndpoints,
    files: [...new Set(read)].sort(),
  };
}

function qualified(v: Json, where: string): QualifiedName {
  if (Array.isArray(v)) {
    // Data connectors name tables by a path: ["ANALYTICS", "REGIONAL_TARGETS"].
    const parts = v.map((x) => String(x));
    if (parts.length === 0) throw new MetadataError(`${where}: empty table name`);
    return { schema: parts.slice(0, -1), name: parts[parts.length - 1]! };
  }
  if (typeof v === 'string') return { schema: [], name: v };
  const o = asObject(v);
  const name = str(o.name);
  if (!name) throw new MetadataError(`${where}: table or function without a name`);
  // BigQuery says "dataset" where Postgres says "schema".
  const schema = str(o.schema) ?? str(o.dataset);
  return { schema: schema ? [schema] : [], name };
}

function readSource(v: Json, where: string): MetadataSource {
  const o = asObject(v);
  const name = str(o.name);
  const kind = str(o.kind);
  if (!name || !kind) throw new MetadataError(`${where}: a source needs a name and a kind`);
  return {
    name,
    kind,
    connectionValues: connectionValues(o.configuration),
    tables: asArray(o.tables).map((t, i) => readTable(t, `${where}.tables[${i}]`)),
    functions: asArray(o.functions).map((f, i) => {
      const fo = asObject(f);
      return {
        function: qualified(fo.function, `${where}.functions[${i}]`),
        roles: asArray(fo.permissions).map((p) => str(asObject(p).role)).filter((x): x is string => !!x),
      };
    }),
    nativeQueries: asArray(o.native_queries).map((q) => {
      const qo = asObject(q);
      return { name: str(qo.root_field_name) ?? '', arguments: Object.keys(asObject(qo.arguments)), ...(str(qo.returns) ? { returns: str(qo.returns)! } : {}) };
    }),
    logicalModels: asArray(o.logical_models).map((m) => {
      const mo = asObject(m);
      const fields = Array.isArray(mo.fields) ? mo.fields.map((f) => str(asObject(f).name)) : Object.keys(asObject(mo.fields));
      return { name: str(mo.name) ?? '', fields: fields.filter((x): x is string => !!x) };
    }),
    storedProcedures: asArray(o.stored_procedures).map((p) => {
      const po = asObject(p);
      const sp = po.stored_procedure;
      return { name: sp ? qualified(sp, `${where}.stored_procedures`).name : '', arguments: Object.keys(asObject(po.arguments)) };
    }),
  };
}

/** URLs and strings written literally in a source's configuration (from_env values are names, kept out). */
function connectionValues(v: Json): string[] {
  const out: string[] = [];
  const walk = (x: Json, key: string) => {
    if (typeof x === 'string') {
      if (/url|uri|host|database|project|dataset|jdbc|connection/i.test(key) && x.length > 0) out.push(x);
      return;
    }
    if (Array.isArray(x)) x.forEach((y) => walk(y, key));
    else if (typeof x === 'object' && x !== null) for (const [k, y] of Object.entries(x)) if (k !== 'from_env') walk(y, k);
  };
  walk(v, '');
  return out;
}

function readTable(v: Json, where: string): MetadataTable {
  const o = asObject(v);
  const cfg = asObject(o.configuration);
  const customNames: string[] = [];
  const columns = new Set<string>();
  if (str(cfg.custom_name)) customNames.push(str(cfg.custom_name)!);
  for (const n of Object.values(asObject(cfg.custom_root_fields))) {
    const s = typeof n === 'string' ? n : str(asObject(n).name);
    if (s) customNames.push(s);
  }
  for (const [col, c] of Object.entries(asObject(cfg.column_config))) {
    columns.add(col);
    if (str(asObject(c).custom_name)) customNames.push(str(asObject(c).custom_name)!);
  }
  for (const [col, custom] of Object.entries(asObject(cfg.custom_column_names))) {
    columns.add(col);
    if (str(custom)) customNames.push(str(custom)!);
  }
  const rel = (r: Json): MetadataRelationship => {
    const ro = asObject(r);
    const using = asObject(ro.using);
    const manual = 'manual_configuration' in using;
    const remote = manual ? asObject(using.manual_configuration).remote_table : asObject(using.foreign_key_constraint_on).table;
    for (const col of Object.keys(asObject(asObject(using.manual_configuration).column_mapping))) columns.add(col);
    const fk = using.foreign_key_constraint_on;
    if (typeof fk === 'string') columns.add(fk);
    else if (str(asObject(fk).column)) columns.add(str(asObject(fk).column)!);
    return { name: str(ro.name) ?? '', manual, ...(remote ? { remoteTable: qualified(remote, `${where}.relationship`) } : {}) };
  };
  const relationships = [...asArray(o.object_relationships), ...asArray(o.array_relationships)].map(rel);
  const roles = (key: string) =>
    asArray(o[key]).map((p) => {
      const po = asObject(p);
      const perm = asObject(po.permission);
      const cols = perm.columns;
      if (Array.isArray(cols)) for (const c of cols) if (typeof c === 'string') columns.add(c);
      return str(po.role) ?? '';
    }).filter((r) => r !== '');
  const permissions = { select: roles('select_permissions'), insert: roles('insert_permissions'), update: roles('update_permissions'), delete: roles('delete_permissions') };
  return {
    table: qualified(o.table, where),
    isEnum: o.is_enum === true,
    customNames,
    columns: [...columns],
    relationships,
    remoteRelationships: asArray(o.remote_relationships).map((r) => str(asObject(r).name)).filter((x): x is string => !!x),
    permissions,
    eventTriggers: asArray(o.event_triggers).map((e) => {
      const eo = asObject(e);
      return {
        name: str(eo.name) ?? '',
        ...(str(eo.webhook) ? { webhook: str(eo.webhook)! } : {}),
        ...(str(eo.webhook_from_env) ? { webhookEnv: str(eo.webhook_from_env)! } : {}),
      };
    }),
    file: where,
  };
}

interface ActionSignatures {
  get(name: string): { root: 'Query' | 'Mutation'; arguments: Array<{ name: string; type: string }>; outputType?: string } | undefined;
  typeFields: Map<string, string[]>;
}

/**
 * The parts of actions.graphql the telemetry counts depend on: each action's root type, its
 * argument types and its output type, plus the field names of the other types. A small reader
 * for the subset of SDL the CLI writes (type blocks of fields with optional arguments).
 */
export function parseActionSdl(sdl: string): ActionSignatures {
  const text = sdl.replace(/#[^\n]*/g, '').replace(/"""[\s\S]*?"""/g, '').replace(/"[^"\n]*"/g, '');
  const fields = new Map<string, { root: 'Query' | 'Mutation'; arguments: Array<{ name: string; type: string }>; outputType?: string }>();
  const typeFields = new Map<string, string[]>();
  const block = /\b(?:type|input|extend\s+type)\s+([A-Za-z_]\w*)[^{]*\{([^}]*)\}/g;
  for (let m = block.exec(text); m !== null; m = block.exec(text)) {
    const typeName = m[1]!;
    const body = m[2]!;
    const field = /([A-Za-z_]\w*)\s*(\(([^)]*)\))?\s*:\s*([\w[\]!]+)/g;
    const names: string[] = [];
    for (let f = field.exec(body); f !== null; f = field.exec(body)) {
      names.push(f[1]!);
      if (typeName === 'Query' || typeName === 'Mutation') {
        const args: Array<{ name: string; type: string }> = [];
        const argRe = /([A-Za-z_]\w*)\s*:\s*([\w[\]!]+)/g;
        for (let a = argRe.exec(f[3] ?? ''); a !== null; a = argRe.exec(f[3] ?? '')) args.push({ name: a[1]!, type: a[2]! });
        fields.set(f[1]!, { root: typeName, arguments: args, outputType: f[4]! });
      }
    }
    if (typeName !== 'Query' && typeName !== 'Mutation') typeFields.set(typeName, [...(typeFields.get(typeName) ?? []), ...names]);
  }
  return { get: (name) => fields.get(name), typeFields };
}
