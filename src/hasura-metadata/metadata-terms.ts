/**
 * Every name a user chose in their Hasura metadata, as sensitive terms with their kind. Pure:
 * the metadata comes in already read. Names that cannot serve as terms (too short, common words
 * such as "id" or "email" columns) are returned separately so the report can count them.
 */
import type { SensitiveTerm } from '../terms/sensitive-term.js';
import { termProblem } from '../terms/term-check.js';
import { BUILTIN_SOURCE_KINDS, type HasuraMetadata } from './metadata-model.js';

export interface MetadataTerms {
  terms: SensitiveTerm[];
  /** Names left out, with their kind (never printed as values unless evidence is revealed). */
  skipped: SensitiveTerm[];
}

/** URLs: the URL itself and its host, unless the URL is a {{TEMPLATE}} (then only its literal host, if any). */
function urlTerms(url: string | undefined): string[] {
  if (!url) return [];
  if (url.includes('{{')) return [];
  const out = [url];
  try {
    const u = new URL(url);
    if (u.hostname) out.push(u.hostname);
  } catch {
    // A jdbc: or other opaque URL: the whole string is the term.
    const host = /\/\/([^/:?#@]+)/.exec(url)?.[1];
    if (host) out.push(host);
  }
  return out;
}

export function metadataTerms(md: HasuraMetadata): MetadataTerms {
  const all: SensitiveTerm[] = [];
  const add = (kind: string, ...values: Array<string | undefined>) => {
    for (const v of values) if (v && v.trim() !== '') all.push({ kind: `metadata:${kind}`, value: v.trim() });
  };

  for (const s of md.sources) {
    add('source', s.name);
    if (!BUILTIN_SOURCE_KINDS.includes(s.kind.toLowerCase())) add('connector', s.kind);
    for (const v of s.connectionValues) add('connection', ...urlTerms(v), v);
    for (const t of s.tables) {
      add('schema', ...t.table.schema);
      add('table', t.table.name);
      if (t.table.schema.length > 0) add('table', [...t.table.schema, t.table.name].join('.'));
      add('custom-name', ...t.customNames);
      add('column', ...t.columns);
      for (const r of t.relationships) add('relationship', r.name);
      add('relationship', ...t.remoteRelationships);
      add('role', ...t.permissions.select, ...t.permissions.insert, ...t.permissions.update, ...t.permissions.delete);
      for (const e of t.eventTriggers) {
        add('event-trigger', e.name);
        add('webhook', ...urlTerms(e.webhook));
      }
    }
    for (const f of s.functions) {
      add('schema', ...f.function.schema);
      add('function', f.function.name);
      add('role', ...f.roles);
    }
    for (const q of s.nativeQueries) {
      add('native-query', q.name);
      add('argument', ...q.arguments);
    }
    for (const m of s.logicalModels) {
      add('logical-model', m.name);
      add('column', ...m.fields);
    }
    for (const p of s.storedProcedures) {
      add('stored-procedure', p.name);
      add('argument', ...p.arguments);
    }
  }
  for (const a of md.actions) {
    add('action', a.name);
    add('handler', ...urlTerms(a.handler));
    add('role', ...a.roles);
    add('argument', ...a.arguments.map((x) => x.name));
  }
  for (const t of md.customTypes) {
    add('custom-type', t.name);
    add('column', ...t.fields);
    add('relationship', ...t.relationships);
  }
  for (const r of md.remoteSchemas) {
    add('remote-schema', r.name);
    add('remote-schema-url', ...urlTerms(r.url));
    add('role', ...r.roles);
  }
  for (const c of md.cronTriggers) {
    add('cron-trigger', c.name);
    add('webhook', ...urlTerms(c.webhook));
  }
  for (const r of md.inheritedRoles) add('role', r.name, ...r.roleSet);
  for (const c of md.dataConnectors) {
    add('connector', c.name);
    add('connector-url', ...urlTerms(c.uri));
  }
  for (const q of md.queryCollections) add('query-collection', q.name, ...q.queries);
  for (const r of md.restEndpoints) add('rest-endpoint', r.name);

  const terms: SensitiveTerm[] = [];
  const skipped: SensitiveTerm[] = [];
  const seen = new Set<string>();
  for (const t of all) {
    const key = `${t.kind}\0${t.value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    (termProblem(t.value) === null ? terms : skipped).push(t);
  }
  return { terms, skipped };
}
