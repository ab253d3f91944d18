/**
 * A request against its policy: headers, destination, and the payload (body and query) against
 * its kind's compiled validator and presence rules, each problem a finding with the rule the
 * policy gave it.
 */
import type { CapturedRequest } from '../capture/captured-request.js';
import { headerValues } from '../capture/captured-request.js';
import type { TextPart } from '../detectors/text-scanner.js';
import type { FieldSpec } from '../policy/policy-schema.js';
import { isJsonObject, pathSegment } from '../json/json-parse.js';
import { kindBodySpec, type CompiledKind, type CompiledPolicy } from './compiled-policy.js';
import type { FieldIssue } from './field-validator.js';
import { FindingSink } from './finding-sink.js';
import { toJsonPath } from './json-path.js';
import { RULES } from './rules.js';
import { redactPath } from './url-redaction.js';
import type { UrlFacts } from './url-facts.js';

export function checkHeaders(request: CapturedRequest, policy: CompiledPolicy, sink: FindingSink, parts: TextPart[]): void {
  const hp = policy.policy.headers;
  for (const [rawName, value] of request.headers) {
    const name = rawName.toLowerCase();
    parts.push({ location: { part: 'header', name }, text: value });
    // HTTP/2 pseudo-headers restate the method and URL, which are audited on their own.
    if (name.startsWith(':')) continue;
    if (policy.forbiddenHeaders.has(name)) {
      sink.add(RULES.forbiddenHeader.id, `the request sends a ${name} header`, { part: 'header', name }, { evidence: value });
    } else if (hp?.allowed && !policy.allowedHeaders.has(name)) {
      sink.add(RULES.undocumentedHeader.id, `header ${name} is not in the policy`, { part: 'header', name }, {
        evidence: value,
        severity: hp.unknown ?? 'warning',
      });
    }
  }
  const ua = hp?.userAgent;
  if (ua && request.url !== null) {
    const values = headerValues(request, 'user-agent');
    const severity = ua.severity ?? 'warning';
    if (values.length === 0 && ua.required) {
      sink.add(RULES.userAgent.id, 'the request has no User-Agent header', { part: 'header', name: 'user-agent' }, { severity });
    }
    for (const v of values) {
      if (!policy.userAgentPatterns.some((re) => re.test(v))) {
        sink.add(RULES.userAgent.id, 'User-Agent is not of a form the policy expects', { part: 'header', name: 'user-agent' }, { evidence: v, severity });
      }
    }
  }
}


export function checkDestination(url: UrlFacts, request: CapturedRequest, policy: CompiledPolicy, sink: FindingSink, kind: CompiledKind | null): void {
  const host = url.hostname.toLowerCase();
  const sameHost = policy.policy.destinations.filter((d) => d.host.toLowerCase() === host);
  const defaultPort = url.port === '' || url.port === '443' || url.port === '80';
  if (sameHost.length === 0 || !defaultPort) {
    sink.add(RULES.destination.id, `the request goes to ${url.host}, which the policy does not list`, { part: 'url', component: 'host' });
    return;
  }
  const scheme = url.protocol.replace(':', '');
  const isWsScheme = scheme === 'ws' || scheme === 'wss';
  const here = sameHost.filter(
    (d) => (!d.paths || d.paths.includes(url.pathname)) && (!d.transport || d.transport === request.transport),
  );
  if (here.length === 0) {
    sink.add(RULES.destination.id, `${request.transport === 'websocket' ? 'WebSocket' : 'HTTP'} to path ${redactPath(url.pathname)} is not allowed on ${host}`, {
      part: 'url',
      component: 'path',
    });
    return;
  }
  if (request.transport === 'http' && isWsScheme) {
    sink.add(RULES.destination.id, 'an HTTP request to a ws:// URL', { part: 'url' });
  }
  if (request.transport === 'http' && !here.some((d) => !d.methods || d.methods.includes(request.method.toUpperCase()))) {
    sink.add(RULES.method.id, `method ${request.method} is not allowed for ${redactPath(url.pathname)}`, { part: 'request' });
  }
  if (url.search !== '' && !kind?.query) {
    sink.add(RULES.urlQuery.id, 'the telemetry URL carries a query string', { part: 'url', component: 'query' }, { evidence: url.search });
  }
  if (kind && !here.some((d) => !d.kinds || d.kinds.includes(kind.kind.id))) {
    sink.add(RULES.kindDestination.id, `a ${kind.kind.id} payload is not expected at ${redactPath(url.pathname)}`, { part: 'url', component: 'path' });
  }
}


/** The query parameters against the kind's query spec: findings located in the URL's query. */
export function checkQuery(compiled: CompiledKind, query: Record<string, string | string[]>, policy: CompiledPolicy, sink: FindingSink): void {
  const spec = compiled.kind.query!;
  const local = new FindingSink(policy, '');
  for (const issue of compiled.query!(query)) reportIssue(issue, spec, query, policy, local);
  walkPresence(spec, query, '$', policy, local);
  for (const f of local.findings) {
    const path = f.location.part === 'body' ? f.location.path : undefined;
    sink.add(f.rule, `query parameter: ${f.message}`, { part: 'url', component: 'query', ...(path !== undefined ? { path } : {}) }, {
      ...(f.evidence !== undefined ? { evidence: f.evidence } : {}),
      severity: f.severity,
    });
  }
}


export function checkKind(compiled: CompiledKind, payload: unknown, url: UrlFacts | null, request: CapturedRequest, policy: CompiledPolicy, sink: FindingSink): void {
  const { kind } = compiled;
  if (kind.documented === false) {
    sink.add(RULES.undocumentedKind.id, `${kind.title}: the published policy does not mention this payload`, { part: 'body', path: '$' });
  }
  if (kind.transport && request.url !== null && kind.transport !== request.transport) {
    sink.add(RULES.destination.id, `${kind.title} is expected over ${kind.transport}, not ${request.transport}`, { part: 'request' });
  }
  for (const issue of compiled.schema(payload)) reportIssue(issue, kindBodySpec(kind), payload, policy, sink);
  walkPresence(kindBodySpec(kind), payload, '$', policy, sink);
  void url;
}


/**
 * What the reporter reads of an issue: the compiled validator's, or zod's (the reference the
 * tests hold it to), which has this same shape.
 */
export type PolicyIssue = Pick<FieldIssue, 'code' | 'message'> & { path: ReadonlyArray<PropertyKey>; params?: unknown; keys?: string[]; note?: string; expected?: string };

/** Turn a validator issue into a finding with the rule the policy gave that field. */
export function reportIssue(issue: PolicyIssue, root: FieldSpec, payload: unknown, policy: CompiledPolicy, sink: FindingSink): void {
  const path = toJsonPath(issue.path);
  const value = valueAt(payload, issue.path);
  const spec = specAt(root, issue.path, payload);
  if (issue.code === 'custom') {
    const params = issue.params as FieldIssue['params'];
    if (params?.rule) {
      sink.add(params.rule, params.message, { part: 'body', path }, { evidence: params.evidence });
      return;
    }
    sink.add(spec?.rule ?? RULES.value.id, spec?.message ?? issue.message, { part: 'body', path }, { evidence: evidenceOf(value) });
    return;
  }
  if (issue.code === 'unrecognized_keys') {
    const objSpec = spec && spec.type === 'object' ? spec : undefined;
    const severity = objSpec?.unknownFields ?? policy.policy.unknownFields ?? 'error';
    for (const key of issue.keys ?? []) {
      sink.add(RULES.unknownField.id, `field "${key}" is not allowed by the policy`, { part: 'body', path: path + pathSegment(key) }, {
        evidence: key,
        severity,
      });
    }
    return;
  }
  if (issue.code === 'invalid_union' && issue.note === 'No matching discriminator') {
    const parentSpec = specAt(root, issue.path.slice(0, -1), payload);
    const variants = parentSpec?.type === 'object' ? parentSpec.variants : undefined;
    sink.add(variants?.rule ?? RULES.value.id, variants?.message ?? 'not a value the policy allows', { part: 'body', path }, { evidence: evidenceOf(value) });
    return;
  }
  if (spec?.rule) {
    sink.add(spec.rule, spec.message ?? issue.message, { part: 'body', path }, { evidence: evidenceOf(value) });
    return;
  }
  const rule =
    issue.code === 'too_small' || issue.code === 'too_big'
      ? RULES.range.id
      : issue.code === 'invalid_value' || issue.code === 'invalid_union'
        ? RULES.value.id
        : (issue.code as string) === 'invalid_format' || (issue.code as string) === 'invalid_string'
          ? RULES.format.id
          : RULES.type.id;
  sink.add(rule, describeIssue(issue, value), { part: 'body', path }, { evidence: evidenceOf(value) });
}

function describeIssue(issue: PolicyIssue, value: unknown): string {
  if (issue.code === 'invalid_type') return `expected ${issue.expected}, found ${typeName(value)}`;
  if (issue.code === 'invalid_union') return `${typeName(value)} value fits none of the allowed types`;
  return issue.message;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function evidenceOf(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  const s = JSON.stringify(value);
  return s.length > 200 ? s.slice(0, 200) + '…' : s;
}

function valueAt(payload: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let cur = payload;
  for (const key of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key as string];
  }
  return cur;
}

/** The policy spec governing the value at a zod path (resolving variants by the payload). */
export function specAt(root: FieldSpec, path: ReadonlyArray<PropertyKey>, payload: unknown): FieldSpec | undefined {
  let spec: FieldSpec | undefined = root;
  let value: unknown = payload;
  for (const key of path) {
    if (!spec) return undefined;
    if (spec.type === 'array') {
      spec = spec.items;
    } else if (spec.type === 'object') {
      const k = String(key);
      let next: FieldSpec | undefined = spec.fields[k];
      if (!next && spec.variants && isJsonObject(value)) {
        const tag: unknown = value[spec.variants.discriminator];
        if (typeof tag === 'string') next = spec.variants.cases[tag]?.fields[k];
      }
      spec = next;
    } else if (spec.type === 'any-of') {
      // Descend into the first option that has structure; any-of over objects is rare.
      spec = spec.options.find((o) => o.type === 'object' || o.type === 'array');
      if (!spec) return undefined;
      return specAt(spec, [key], value);
    } else {
      return undefined;
    }
    value = typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[key as string] : undefined;
  }
  return spec;
}

/** A spec's field with what the presence walk says about it, made once per spec. */
interface ListedField {
  key: string;
  field: FieldSpec;
  segment: string;
  missing: string;
  undocumented: string;
}
type FieldList = ReadonlyArray<ListedField>;
type Fields = Record<string, FieldSpec>;

// A spec's fields as a list with their path segments and messages, made once per spec rather
// than once per object of every request (the specs are the policy's, and live as long as it does).
const fieldLists = new WeakMap<Fields, FieldList>();
const variantLists = new WeakMap<Fields, WeakMap<Fields, FieldList>>();

function fieldList(fields: Fields): FieldList {
  let list = fieldLists.get(fields);
  if (!list) {
    list = Object.entries(fields).map(([key, field]) => ({
      key,
      field,
      segment: pathSegment(key),
      missing: `field "${key}" is missing`,
      undocumented: `field "${key}" is sent but not in the published policy`,
    }));
    fieldLists.set(fields, list);
  }
  return list;
}

/** The object's fields with a variant's over them, as `{ ...fields, ...variant }` orders them. */
function variantFieldList(fields: Fields, variant: Fields): FieldList {
  let byVariant = variantLists.get(fields);
  if (!byVariant) variantLists.set(fields, (byVariant = new WeakMap()));
  let list = byVariant.get(variant);
  if (!list) byVariant.set(variant, (list = fieldList({ ...fields, ...variant })));
  return list;
}

/**
 * Paths of the presence walk by parent path and segment. The same paths recur in every payload
 * of a kind, so each is concatenated once rather than once per field of every request, and only
 * where the walk needs it (a finding, or a value it descends into). Bounded: array indexes can
 * make many.
 */
const childPaths = new Map<string, Map<string, string>>();
let childPathCount = 0;
const CHILD_PATHS_MAX = 20_000;

function childPath(parent: string, segment: string): string {
  let bySegment = childPaths.get(parent);
  if (bySegment === undefined) {
    if (childPathCount >= CHILD_PATHS_MAX) {
      childPaths.clear();
      childPathCount = 0;
    }
    childPaths.set(parent, (bySegment = new Map()));
  }
  let path = bySegment.get(segment);
  if (path === undefined) {
    path = parent + segment;
    bySegment.set(segment, path);
    childPathCount++;
  }
  return path;
}

/** Whether the presence walk can find anything below a value: only objects (and arrays of them) have fields. */
function isStructured(value: unknown): boolean {
  return typeof value === 'object' && value !== null;
}

/**
 * Presence is judged here rather than by zod: a field the code sends but the guide does not
 * document is a warning (its value is still checked), and a field that should always be there
 * but is not is a warning too (the payload changed shape).
 */
function walkPresence(spec: FieldSpec, value: unknown, path: string, policy: CompiledPolicy, sink: FindingSink): void {
  if (value === null || value === undefined) return;
  if (spec.type === 'array' && Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      // A scalar item has no fields to judge: its path is not needed.
      if (isStructured(item)) walkPresence(spec.items, item, childPath(path, pathSegment(i)), policy, sink);
    }
    return;
  }
  if (spec.type === 'any-of') {
    const structured = spec.options.find((o) => (o.type === 'object' && isJsonObject(value)) || (o.type === 'array' && Array.isArray(value)));
    if (structured) walkPresence(structured, value, path, policy, sink);
    return;
  }
  if (spec.type !== 'object' || !isJsonObject(value)) return;
  let fields = fieldList(spec.fields);
  if (spec.variants) {
    const tag = value[spec.variants.discriminator];
    const variant = typeof tag === 'string' ? spec.variants.cases[tag] : undefined;
    if (variant) {
      fields = variantFieldList(spec.fields, variant.fields);
      if (variant.documented === false) {
        sink.add(RULES.undocumentedField.id, `${spec.variants.discriminator} "${tag}" is not in the published policy`, {
          part: 'body',
          path: path + pathSegment(spec.variants.discriminator),
        });
      }
    }
  }
  for (let f = 0; f < fields.length; f++) {
    const { key, field, segment } = fields[f]!;
    if (!Object.prototype.hasOwnProperty.call(value, key)) {
      if (!field.optional) sink.add(RULES.missingField.id, fields[f]!.missing, { part: 'body', path: childPath(path, segment) });
      continue;
    }
    if (field.documented === false) {
      sink.add(RULES.undocumentedField.id, fields[f]!.undocumented, { part: 'body', path: childPath(path, segment) });
      continue;
    }
    const child = value[key];
    if (isStructured(child)) walkPresence(field, child, childPath(path, segment), policy, sink);
  }
}
