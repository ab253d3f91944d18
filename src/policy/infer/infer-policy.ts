/**
 * Draft a policy from captured requests: where they went, which headers they carried, which
 * kinds of payload they held (recognised by a field such as `type` or `topic` when one splits
 * them, else by destination) and what each field looked like. The draft is a starting point
 * for a human: every string field and every kind carries a `review` marker, and an audit
 * refuses a policy with markers left unless told otherwise.
 */
import type { CapturedRequest } from '../../capture/captured-request.js';
import { headerValues } from '../../capture/captured-request.js';
import type { Detector } from '../../detectors/detector.js';
import { decodeBody, decodeUtf8 } from '../../engine/body-decode.js';
import { forEachField } from '../../engine/compiled-policy.js';
import { isJsonObject, parseJson } from '../../json/json-parse.js';
import { parseForm, parseFormLines, queryRecord, type FormRecord } from '../../engine/form-body.js';
import { isLoopbackHost } from '../../engine/loopback.js';
import type { BodyFormat, Destination, FieldSpec, Matcher, PayloadKind, Policy } from '../policy-schema.js';
import { findDiscriminator, inferField, type InferContext } from './infer-field.js';
import { parseUrl } from '../../engine/parse-url.js';

export interface InferOptions {
  name: string;
  title?: string;
  /** Input names, for the policy's description. */
  sources: readonly string[];
  detectors: readonly Detector[];
  maxEnum?: number;
}

export interface InferSummary {
  requests: number;
  payloads: number;
  kinds: number;
  destinations: number;
  reviewMarkers: number;
  /** Things the draft could not capture, for the person reviewing it. */
  notes: string[];
}

interface Observed {
  payload: unknown;
  /** How the body was read: JSON, a form, form lines (a batch), or no body at all. */
  format: BodyFormat;
  /** The URL's query parameters (empty when none). */
  query: FormRecord;
  target: { host: string; path: string; method: string; transport: 'http' | 'websocket' } | null;
}

/** Headers that carry credentials or state: never allowed by a draft, even when seen. */
export const FORBIDDEN_HEADERS = ['cookie', 'authorization', 'proxy-authorization', 'x-api-key', 'x-auth-token'];

export class InferError extends Error {}

export function inferPolicy(requests: readonly CapturedRequest[], opts: InferOptions): { policy: Policy; summary: InferSummary } {
  const ctx: InferContext = { detectors: opts.detectors, maxEnum: opts.maxEnum ?? 12 };
  const notes: string[] = [];
  const observed: Observed[] = [];
  const headerNames = new Set<string>();
  const forbiddenSeen = new Set<string>();
  let loopback = 0;
  let withoutJson = 0;
  let withQuery = 0;

  for (const request of requests) {
    const url = parseUrl(request.url);
    if (url && isLoopbackHost(url.hostname)) {
      loopback++;
      continue;
    }

    for (const [name] of request.headers) {
      const lower = name.toLowerCase();
      if (lower.startsWith(':')) continue;
      if (FORBIDDEN_HEADERS.includes(lower)) forbiddenSeen.add(lower);
      else headerNames.add(lower);
    }
    const query = url ? queryRecord(url) : {};
    const read = readPayload(request, Object.keys(query).length > 0);
    if (read === undefined) {
      withoutJson++;
      continue;
    }
    if (Object.keys(query).length > 0) withQuery++;
    const target = url ? { host: url.hostname.toLowerCase(), path: url.pathname, method: request.method.toUpperCase(), transport: request.transport } : null;
    observed.push({ ...read, query, target });
  }
  if (loopback > 0) notes.push(`${loopback} request(s) to loopback addresses left out: they do not leave the machine (loopback: skip)`);
  if (withoutJson > 0) notes.push(`${withoutJson} request(s) whose body is neither JSON nor a form (nor empty with a query string) left out: an audit reports them`);
  if (withQuery > 0) notes.push(`${withQuery} request(s) carry a query string: drafted field by field under "query" (data in a URL is a payload too)`);
  if (forbiddenSeen.size > 0) notes.push(`captures carry ${[...forbiddenSeen].join(', ')}: left forbidden (credentials and cookies are never telemetry)`);
  if (observed.length === 0) throw new InferError('no JSON payload to infer from: give NDJSON captures, HAR files or JSON payloads');
  if (!observed.some((o) => o.target)) throw new InferError('no capture says where it was sent: give NDJSON captures or HAR files (bare JSON payloads have no destination)');

  const kinds = inferKinds(observed, ctx);
  const destinations = inferDestinations(observed, kinds);
  const policy: Policy = {
    name: opts.name,
    title: opts.title ?? `Draft policy for ${opts.name}`,
    version: '0-draft',
    description:
      `DRAFT inferred by "telemetry-audit policy infer" from ${requests.length} captured request(s). It describes what was seen, ` +
      'not what the tool promises: review every item marked "review" against the tool\'s published telemetry policy, ' +
      'tighten it, and delete each marker. An audit refuses this policy until then (unless --allow-draft).',
    source: `inferred from captures: ${opts.sources.join(', ')}`,
    destinations,
    loopback: 'skip',
    headers: { allowed: [...headerNames].sort(), forbidden: [...FORBIDDEN_HEADERS], unknown: 'warning' },
    unknownFields: 'error',
    kinds: kinds.map((k) => k.kind),
  };
  let reviewMarkers = policy.kinds.filter((k) => k.review !== undefined).length;
  forEachField(policy, (spec) => {
    if (spec.review !== undefined) reviewMarkers++;
  });
  return {
    policy,
    summary: { requests: requests.length, payloads: observed.length, kinds: policy.kinds.length, destinations: destinations.length, reviewMarkers, notes },
  };
}

/**
 * The body as a policy will see it: JSON; a form when the request says it is one (one record a
 * line when it has several lines); nothing, for a request whose data is all in its query string.
 */
function readPayload(request: CapturedRequest, hasQuery: boolean): { payload: unknown; format: BodyFormat } | undefined {
  const decoded = decodeBody(request.body, headerValues(request, 'content-encoding'));
  if (!decoded.ok) return undefined;
  const text = decodeUtf8(decoded.bytes);
  if (!text.ok) return undefined;
  if (text.text.trim() === '') return hasQuery ? { payload: null, format: 'none' } : undefined;
  if (headerValues(request, 'content-type').some((v) => /application\/x-www-form-urlencoded/i.test(v))) {
    const lines = text.text.split(/\r?\n/).filter((l) => l.trim() !== '');
    return lines.length > 1 ? { payload: parseFormLines(text.text), format: 'form-lines' } : { payload: parseForm(text.text), format: 'form' };
  }
  const parsed = parseJson(text.text);
  return parsed.ok ? { payload: parsed.value, format: 'json' } : undefined;
}

/** What a kind says about its body format and query parameters, from the payloads it was drafted from. */
function bodyAndQuery(items: readonly Observed[], ctx: InferContext): Pick<PayloadKind, 'body' | 'query'> {
  const format = items[0]!.format;
  const queries = items.map((o) => o.query).filter((q) => Object.keys(q).length > 0);
  return {
    ...(format !== 'json' ? { body: format } : {}),
    ...(queries.length > 0 ? { query: inferField(items.map((o) => o.query), items.length, ctx) } : {}),
  };
}

interface InferredKind {
  kind: PayloadKind;
  /** Destinations (host|path|transport) its payloads were sent to. */
  seenAt: Set<string>;
}

const destKey = (t: NonNullable<Observed['target']>) => `${t.host}|${t.path}|${t.transport}`;

function inferKinds(observed: readonly Observed[], ctx: InferContext): InferredKind[] {
  // Group by where payloads went; within a group, a field like `type` may split them into kinds.
  const groups = new Map<string, Observed[]>();
  for (const o of observed) {
    const key = `${o.target ? destKey(o.target) : '(unknown destination)'}|${o.format}`;
    groups.set(key, [...(groups.get(key) ?? []), o]);
  }
  const byValue = new Map<string, { field: string; value: string; items: Observed[] }>();
  const byDestination: Array<{ key: string; items: Observed[] }> = [];
  for (const [key, items] of groups) {
    // A field such as `topic` may name most payloads of a destination; the others stay one kind.
    const objects = items.map((o) => o.payload).filter(isJsonObject);
    const field = findDiscriminator(objects, { requireDifferentShapes: false, minCoverage: 0.5 });
    const rest: Observed[] = [];
    for (const o of items) {
      const value = field !== undefined && isJsonObject(o.payload) ? o.payload[field] : undefined;
      if (typeof value !== 'string') {
        rest.push(o);
        continue;
      }
      const id = `${field}=${value}`;
      const entry = byValue.get(id) ?? { field: field!, value, items: [] };
      entry.items.push(o);
      byValue.set(id, entry);
    }
    if (rest.length > 0) byDestination.push({ key, items: rest });
  }

  const usedIds = new Set<string>();
  const kindId = (base: string): string => {
    let id = slug(base) || 'payload';
    for (let n = 2; usedIds.has(id); n++) id = `${slug(base) || 'payload'}-${n}`;
    usedIds.add(id);
    return id;
  };
  const out: InferredKind[] = [];
  for (const { field, value, items } of [...byValue.values()].sort((a, b) => a.value.localeCompare(b.value))) {
    const schema = withConstDiscriminator(inferField(items.map((o) => o.payload), items.length, ctx), field, value);
    out.push({
      kind: {
        id: kindId(value),
        title: `${field} "${value}"`,
        source: `inferred from ${items.length} payload(s)`,
        transport: onlyTransport(items),
        match: { path: field, equals: value },
        ...bodyAndQuery(items, ctx),
        schema,
        review: `REVIEW: recognised by ${field} = "${value}"; check the tool's documentation names this payload`,
      },
      seenAt: new Set(items.filter((o) => o.target).map((o) => destKey(o.target!))),
    });
  }
  for (const { items } of byDestination) {
    const target = items[0]!.target;
    const match: Matcher = target ? { destination: { host: target.host, path: target.path } } : requiredKeysMatcher(items);
    out.push({
      kind: {
        id: kindId(target ? lastPathWord(target.path) || target.host : 'payload'),
        title: target ? `payload sent to ${target.host}${target.path}` : 'payload of unknown destination',
        source: `inferred from ${items.length} payload(s)`,
        transport: onlyTransport(items),
        match,
        ...bodyAndQuery(items, ctx),
        ...(items[0]!.format === 'none' ? {} : { schema: inferField(items.map((o) => o.payload), items.length, ctx) }),
        review: target
          ? `REVIEW: recognised by its destination ${target.host}${target.path} (no field tells its payloads apart)`
          : 'REVIEW: recognised by the fields it always has (its captures do not say where it was sent)',
      },
      seenAt: new Set(target ? [destKey(target)] : []),
    });
  }
  return out;
}

function onlyTransport(items: readonly Observed[]): 'http' | 'websocket' | undefined {
  const transports = new Set(items.filter((o) => o.target).map((o) => o.target!.transport));
  return transports.size === 1 ? [...transports][0] : undefined;
}

function withConstDiscriminator(spec: FieldSpec, field: string, value: string): FieldSpec {
  if (spec.type !== 'object' || spec.variants?.discriminator === field) return spec;
  return { ...spec, fields: { ...spec.fields, [field]: { type: 'const', value } } };
}

function requiredKeysMatcher(items: readonly Observed[]): Matcher {
  const objects = items.map((o) => o.payload).filter(isJsonObject);
  const keys = objects.length > 0 ? Object.keys(objects[0]!).filter((k) => objects.every((o) => k in o)) : [];
  if (keys.length === 0) return { path: '', exists: true };
  return { all: keys.slice(0, 4).map((k) => ({ path: k, exists: true })) };
}

function inferDestinations(observed: readonly Observed[], kinds: readonly InferredKind[]): Destination[] {
  const byKey = new Map<string, { host: string; path: string; transport: 'http' | 'websocket'; methods: Set<string> }>();
  for (const o of observed) {
    if (!o.target) continue;
    const key = destKey(o.target);
    const entry = byKey.get(key) ?? { host: o.target.host, path: o.target.path, transport: o.target.transport, methods: new Set<string>() };
    if (o.target.transport === 'http') entry.methods.add(o.target.method);
    byKey.set(key, entry);
  }
  return [...byKey.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, d]) => ({
      host: d.host,
      paths: [d.path],
      ...(d.methods.size > 0 ? { methods: [...d.methods].sort() } : {}),
      transport: d.transport,
      kinds: kinds.filter((k) => k.seenAt.has(key)).map((k) => k.kind.id),
    }));
}

function slug(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/, '');
}

function lastPathWord(path: string): string {
  return path.split('/').filter(Boolean).pop() ?? '';
}
