/**
 * The audit engine: one request in, its kind, verdict and findings out. Pure: no file system,
 * network, process or UI, so the CI command, the live proxy and the TUI all call this same
 * function and can never disagree about a request.
 */
import type { CapturedRequest } from '../capture/captured-request.js';
import { headerValues } from '../capture/captured-request.js';
import type { Detector } from '../detectors/detector.js';
import type { BodyFormat, FieldSpec, RequestTarget, Severity } from '../policy/policy-schema.js';
import { parseForm, parseFormLines, queryRecord } from './form-body.js';
import { decodeBody, decodeUtf8, DEFAULT_MAX_BODY_BYTES } from './body-decode.js';
import { kindBodySpec, type CompiledKind, type CompiledPolicy } from './compiled-policy.js';
import type { FieldIssue } from './field-validator.js';
import type { Finding, FindingLocation } from './finding.js';
import { fingerprintOf } from './finding.js';
import { isJsonObject, parseJson, pathSegment } from './json-parse.js';
import { toJsonPath } from './json-path.js';
import { isLoopbackHost } from './loopback.js';
import type { TextPart } from './request-parts.js';
import { jsonTextParts } from './request-parts.js';
import { RULES } from './rules.js';
import { parseUrl } from './parse-url.js';
import { isVolatileText } from './volatile-text.js';
import { redactPath } from './url-redaction.js';

export type Verdict = 'pass' | 'warn' | 'fail' | 'skipped';

export interface RequestResult {
  request: CapturedRequest;
  /** Kind id, or null when the payload could not be classified. */
  kind: string | null;
  verdict: Verdict;
  /** Why the request was not audited (verdict "skipped"). */
  skipReason?: string;
  findings: Finding[];
  /** Parsed body, when it parsed: kept for the inspector and the reporters that show payloads. */
  payload?: unknown;
  /** Decoded body text (after Content-Encoding), when it was text. */
  bodyText?: string;
}

/** Extra scanners the engine runs over every text part (detectors, sensitive terms). */
export interface TextScanner {
  scan(part: TextPart): Array<Omit<Finding, 'requestId' | 'kind' | 'fingerprint' | 'severity'> & { severity?: Severity }>;
}

export interface AuditOptions {
  detectors?: readonly Detector[];
  scanners?: readonly TextScanner[];
  /** Keep the parsed payload and body text on the result (the inspector wants them; a CI run does not). */
  keepPayload?: boolean;
}

class FindingSink {
  readonly findings: Finding[] = [];
  /** Findings that came from scanning text (detectors, terms) rather than from the policy. */
  readonly scanned = new Set<Finding>();
  kind: string | null = null;
  constructor(
    private readonly policy: CompiledPolicy,
    private readonly requestId: string,
  ) {}

  add(
    rule: string,
    message: string,
    location: FindingLocation,
    extra: { evidence?: string | undefined; encoding?: string; matched?: string; severity?: Severity; scanned?: boolean } = {},
  ): void {
    const policySeverity = this.policy.severityOf(rule);
    if (policySeverity === null) return;
    // A severity the policy set explicitly wins; otherwise a finding may carry its own.
    const explicit = this.policy.explicitLevel(rule);
    const severity: Severity = explicit && explicit !== 'off' ? explicit : (extra.severity ?? policySeverity);
    const finding: Finding = {
      rule,
      severity,
      message,
      requestId: this.requestId,
      kind: this.kind,
      location,
      fingerprint: fingerprintOf({ rule, kind: this.kind, location, evidence: extra.evidence }),
    };
    if (extra.evidence !== undefined) finding.evidence = extra.evidence;
    if (extra.encoding !== undefined) finding.encoding = extra.encoding;
    if (extra.matched !== undefined) finding.matched = extra.matched;
    this.findings.push(finding);
    if (extra.scanned) this.scanned.add(finding);
  }
}

/**
 * A failure inside one request's checks (a hostile value that exhausts a stack, say) is a
 * finding on that request, never the end of the audit: every other request is still audited.
 */
export function auditRequest(request: CapturedRequest, policy: CompiledPolicy, options: AuditOptions = {}): RequestResult {
  try {
    return auditRequestChecked(request, policy, options);
  } catch (err) {
    const sink = new FindingSink(policy, request.id);
    addCheckFailed(sink, { part: 'request' }, err);
    const findings = sink.findings;
    return { request, kind: null, verdict: findings.length > 0 ? verdictOf(findings) : 'fail', findings };
  }
}

/** The error is evidence (redacted in reports like any other): its message may quote the payload. */
function addCheckFailed(sink: FindingSink, location: FindingLocation, err: unknown): void {
  const name = err instanceof Error ? err.name : typeof err;
  const detail = err instanceof Error ? err.message : String(err);
  sink.add(RULES.checkFailed.id, `the checks failed with ${name}: nothing here can be vouched for`, location, { evidence: detail.slice(0, 200) });
}

function auditRequestChecked(request: CapturedRequest, policy: CompiledPolicy, options: AuditOptions): RequestResult {
  const sink = new FindingSink(policy, request.id);
  const url = parseUrl(request.url);

  // A request whose container is in doubt is audited even to loopback: a duplicate "url" key
  // could put a loopback address in front of the one that was really used.
  if (url && policy.policy.loopback === 'skip' && isLoopbackHost(url.hostname) && !request.containerProblems?.length) {
    return { request, kind: null, verdict: 'skipped', skipReason: `loopback destination ${url.host}: does not leave the machine`, findings: [] };
  }

  const parts: TextPart[] = [];
  if (request.url !== null) {
    if (!url) sink.add(RULES.destination.id, 'the request URL cannot be parsed', { part: 'url' }, { evidence: request.url });
    parts.push({ location: { part: 'url' }, text: request.url });
  }
  for (const problem of request.containerProblems ?? []) {
    sink.add(problem.rule, problem.message, { part: 'request' }, problem.evidence !== undefined ? { evidence: problem.evidence } : {});
  }
  checkHeaders(request, policy, sink, parts);

  const body = readBody(request, policy, sink);
  let payload: unknown;
  let compiledKind: CompiledKind | null = null;
  const query = url ? queryRecord(url) : {};
  const target = url ? { host: url.hostname, path: url.pathname, method: request.method, transport: request.transport, query } : null;
  const other = body.text !== undefined ? nonJsonKind(policy, body.text, target) : null;
  if (other) {
    // A kind whose body is a form, form lines or nothing: its fields are checked as JSON's are.
    compiledKind = other.compiled;
    payload = other.payload;
    sink.kind = compiledKind.kind.id;
    for (const f of sink.findings) {
      f.kind = sink.kind;
      f.fingerprint = fingerprintOf({ rule: f.rule, kind: f.kind, location: f.location, evidence: f.evidence });
    }
    if (other.format === 'none' && body.text!.trim() !== '') {
      sink.add(RULES.value.id, `${compiledKind.kind.title} has no body, but this request carries ${body.text!.length} characters`, { part: 'body' });
      parts.push({ location: { part: 'body' }, text: body.text! });
    } else {
      checkKind(compiledKind, payload, url, request, policy, sink);
      jsonTextParts(payload, '$', parts);
      if (body.text !== '') parts.push({ location: { part: 'body' }, text: body.text!, parsedElsewhere: true });
    }
  } else if (body.text !== undefined) {
    const parsed = body.text.trim() === '' ? null : parseJson(body.text);
    if (parsed === null) {
      sink.add(RULES.bodyEmpty.id, 'the request has no payload', { part: 'body' });
    } else if (!parsed.ok) {
      sink.add(
        RULES.bodyInvalidJson.id,
        `invalid JSON at line ${parsed.position.line}, column ${parsed.position.column}: ${parsed.error}`,
        { part: 'body', position: parsed.position },
        { evidence: excerpt(body.text, parsed.position.offset) },
      );
      parts.push({ location: { part: 'body' }, text: body.text });
    } else {
      payload = parsed.value;
      for (const dup of parsed.duplicates) {
        sink.add(
          RULES.bodyDuplicateKey.id,
          `key "${dup.key}" appears more than once in ${dup.objectPath}; the audited value hides the other`,
          { part: 'body', path: dup.objectPath + pathSegment(dup.key), position: dup.position },
          { evidence: dup.key },
        );
      }
      compiledKind = policy.kinds.find((k) => (k.kind.body ?? 'json') === 'json' && k.matches(payload, target)) ?? null;
      sink.kind = compiledKind?.kind.id ?? null;
      for (const f of sink.findings) {
        f.kind = sink.kind;
        f.fingerprint = fingerprintOf({ rule: f.rule, kind: f.kind, location: f.location, evidence: f.evidence });
      }
      if (compiledKind) {
        checkKind(compiledKind, payload, url, request, policy, sink);
      } else {
        sink.add(
          RULES.unknownKind.id,
          `the payload matches none of the ${policy.kinds.length} payload kinds of policy "${policy.policy.name}"`,
          { part: 'body', path: '$' },
        );
      }
      jsonTextParts(payload, '$', parts);
      // The raw text too: escapes and encodings that parsing undoes are scanned as sent.
      if (body.text !== undefined) parts.push({ location: { part: 'body' }, text: body.text, parsedElsewhere: true });
    }
  } else if (body.bytesForScan !== undefined) {
    parts.push({ location: { part: 'body' }, text: body.bytesForScan });
  }

  if (compiledKind?.query) checkQuery(compiledKind, query, policy, sink);
  if (url) checkDestination(url, request, policy, sink, compiledKind);
  scanParts(parts, options, sink);

  const findings = dedupe(sink.findings, sink.scanned);
  const result: RequestResult = { request, kind: sink.kind, verdict: verdictOf(findings), findings };
  if (options.keepPayload) {
    if (payload !== undefined) result.payload = payload;
    if (body.text !== undefined) result.bodyText = body.text;
  }
  return result;
}

export function verdictOf(findings: readonly Finding[]): Verdict {
  if (findings.some((f) => f.severity === 'error')) return 'fail';
  if (findings.length > 0) return 'warn';
  return 'pass';
}

function excerpt(text: string, offset: number): string {
  return text.slice(Math.max(0, offset - 20), offset + 20);
}

function readBody(request: CapturedRequest, policy: CompiledPolicy, sink: FindingSink): { text?: string; bytesForScan?: string } {
  const decoded = decodeBody(request.body, headerValues(request, 'content-encoding'), policy.policy.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
  if (!decoded.ok) {
    sink.add(RULES.bodyDecode.id, decoded.error, { part: 'body' });
    // Whatever can be read of the raw bytes is still scanned.
    return { bytesForScan: Buffer.from(request.body.subarray(0, 1 << 20)).toString('latin1') };
  }
  const utf8 = decodeUtf8(decoded.bytes);
  if (!utf8.ok) {
    sink.add(RULES.bodyDecode.id, `body is not valid UTF-8 (first bad byte at offset ${utf8.offset})`, { part: 'body' });
    return { bytesForScan: Buffer.from(decoded.bytes).toString('latin1') };
  }
  return { text: utf8.text };
}

function checkHeaders(request: CapturedRequest, policy: CompiledPolicy, sink: FindingSink, parts: TextPart[]): void {
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

function checkDestination(url: URL, request: CapturedRequest, policy: CompiledPolicy, sink: FindingSink, kind: CompiledKind | null): void {
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

/**
 * The first kind, in policy order, whose body format is not JSON and that matches: a form body
 * parsed as a form, a batch line by line, an empty body as nothing. A JSON kind that comes first
 * and matches wins as before (null here).
 */
function nonJsonKind(policy: CompiledPolicy, text: string, target: RequestTarget | null): { compiled: CompiledKind; payload: unknown; format: BodyFormat } | null {
  if (!policy.kinds.some((k) => (k.kind.body ?? 'json') !== 'json')) return null;
  let json: { value: unknown } | null | undefined;
  for (const k of policy.kinds) {
    const format = k.kind.body ?? 'json';
    if (format === 'json') {
      json ??= (() => {
        const parsed = text.trim() === '' ? null : parseJson(text);
        return parsed?.ok ? { value: parsed.value } : null;
      })();
      if (json && k.matches(json.value, target)) return null;
      continue;
    }
    const payload = format === 'form' ? parseForm(text) : format === 'form-lines' ? parseFormLines(text) : null;
    if (k.matches(payload, target)) return { compiled: k, payload, format };
  }
  return null;
}

/** The query parameters against the kind's query spec: findings located in the URL's query. */
function checkQuery(compiled: CompiledKind, query: Record<string, string | string[]>, policy: CompiledPolicy, sink: FindingSink): void {
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

function checkKind(compiled: CompiledKind, payload: unknown, url: URL | null, request: CapturedRequest, policy: CompiledPolicy, sink: FindingSink): void {
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

/**
 * Presence is judged here rather than by zod: a field the code sends but the guide does not
 * document is a warning (its value is still checked), and a field that should always be there
 * but is not is a warning too (the payload changed shape).
 */
function walkPresence(spec: FieldSpec, value: unknown, path: string, policy: CompiledPolicy, sink: FindingSink): void {
  if (value === null || value === undefined) return;
  if (spec.type === 'array' && Array.isArray(value)) {
    value.forEach((v, i) => walkPresence(spec.items, v, path + pathSegment(i), policy, sink));
    return;
  }
  if (spec.type === 'any-of') {
    const structured = spec.options.find((o) => (o.type === 'object' && isJsonObject(value)) || (o.type === 'array' && Array.isArray(value)));
    if (structured) walkPresence(structured, value, path, policy, sink);
    return;
  }
  if (spec.type !== 'object' || !isJsonObject(value)) return;
  let fields = spec.fields;
  if (spec.variants) {
    const tag = value[spec.variants.discriminator];
    const variant = typeof tag === 'string' ? spec.variants.cases[tag] : undefined;
    if (variant) {
      fields = { ...fields, ...variant.fields };
      if (variant.documented === false) {
        sink.add(RULES.undocumentedField.id, `${spec.variants.discriminator} "${tag}" is not in the published policy`, {
          part: 'body',
          path: path + pathSegment(spec.variants.discriminator),
        });
      }
    }
  }
  for (const [key, field] of Object.entries(fields)) {
    const childPath = path + pathSegment(key);
    if (!Object.prototype.hasOwnProperty.call(value, key)) {
      if (!field.optional) sink.add(RULES.missingField.id, `field "${key}" is missing`, { part: 'body', path: childPath });
      continue;
    }
    if (field.documented === false) {
      sink.add(RULES.undocumentedField.id, `field "${key}" is sent but not in the published policy`, { part: 'body', path: childPath });
      continue;
    }
    walkPresence(field, value[key], childPath, policy, sink);
  }
}

/** A scan hit without its place: the same text scans the same wherever it stands. */
interface CachedHit {
  rule: string;
  message: string;
  evidence?: string | undefined;
  encoding?: string | undefined;
  matched?: string | undefined;
  severity?: Severity | undefined;
}

/**
 * Scan results per short text, per set of detectors and scanners. Telemetry repeats itself:
 * the same keys and enum values arrive in every payload of a kind, so most parts are texts
 * already scanned. Long texts (bodies, stacks) are scanned every time.
 */
const scanCaches = new WeakMap<readonly Detector[], WeakMap<readonly TextScanner[], Map<string, CachedHit[]>>>();
const NO_DETECTORS: readonly Detector[] = [];
const NO_SCANNERS: readonly TextScanner[] = [];

/** The cache for this pair of detector and scanner lists (callers build options anew per request). */
function scanCacheFor(options: AuditOptions): Map<string, CachedHit[]> {
  const detectors = options.detectors ?? NO_DETECTORS;
  const scanners = options.scanners ?? NO_SCANNERS;
  let byScanners = scanCaches.get(detectors);
  if (!byScanners) scanCaches.set(detectors, (byScanners = new WeakMap()));
  let cache = byScanners.get(scanners);
  if (!cache) byScanners.set(scanners, (cache = new Map()));
  return cache;
}
const CACHEABLE_TEXT = 64;
const SCAN_CACHE_MAX = 20_000;

function scanText(part: TextPart, options: AuditOptions): CachedHit[] {
  const hits: CachedHit[] = [];
  for (const detector of options.detectors ?? []) {
    for (const hit of detector.detect(part.text)) {
      hits.push({ rule: detector.id, message: hit.message ?? `${detector.title} found`, evidence: hit.value, severity: detector.severity, encoding: hit.encoding });
    }
  }
  for (const scanner of options.scanners ?? []) {
    for (const hit of scanner.scan(part)) {
      hits.push({ rule: hit.rule, message: hit.message, evidence: hit.evidence, encoding: hit.encoding, matched: hit.matched, severity: hit.severity });
    }
  }
  return hits;
}

function scanParts(parts: TextPart[], options: AuditOptions, sink: FindingSink): void {
  const cache = scanCacheFor(options);
  for (const part of parts) {
    if (part.text === '') continue;
    let hits: CachedHit[];
    try {
      hits = scanPart(part, options, cache);
    } catch (err) {
      // One part that cannot be scanned is a finding where it stands; the others are still scanned.
      addCheckFailed(sink, part.location, err);
      continue;
    }
    for (const hit of hits) {
      sink.add(hit.rule, hit.message, part.location, {
        evidence: hit.evidence,
        ...(hit.encoding ? { encoding: hit.encoding } : {}),
        ...(hit.matched ? { matched: hit.matched } : {}),
        ...(hit.severity ? { severity: hit.severity } : {}),
        scanned: true,
      });
    }
  }
}

function scanPart(part: TextPart, options: AuditOptions, cache: Map<string, CachedHit[]>): CachedHit[] {
  if (part.text.length > CACHEABLE_TEXT || isVolatileText(part.text)) return scanText(part, options);
  // Flags change what a scanner does with a text, so they are part of the key.
  const key = `${part.isKey ? 'k' : 'v'}${part.parsedElsewhere ? 'p' : '-'}${part.text}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const hits = scanText(part, options);
  if (cache.size >= SCAN_CACHE_MAX) cache.clear();
  cache.set(key, hits);
  return hits;
}

/**
 * One value, one finding: the same evidence found by a scan in a parsed string and again in
 * the raw body, or by a scan where the schema already reported that very value, is reported
 * once, at its most precise location.
 */
function dedupe(findings: Finding[], scanned: ReadonlySet<Finding>): Finding[] {
  const precise = new Set<string>();
  const checked = new Map<string, Finding>();
  for (const f of findings) {
    if (f.evidence === undefined) continue;
    if (scanned.has(f) && f.location.part === 'body' && f.location.path) precise.add(`${f.rule}|${f.evidence.toLowerCase()}`);
    if (!scanned.has(f)) checked.set(`${locKey(f.location)}|${f.evidence}`, f);
  }
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const f of findings) {
    const key = `${f.rule}|${locKey(f.location)}|${f.evidence ?? ''}|${f.encoding ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (scanned.has(f) && f.evidence !== undefined) {
      if (f.location.part === 'body' && !f.location.path && precise.has(`${f.rule}|${f.evidence.toLowerCase()}`)) continue;
      const same = checked.get(`${locKey(f.location)}|${f.evidence}`);
      if (same) {
        // The schema's finding stays; what the scan knew about the value (a metadata table
        // name, say) is kept on it.
        if (f.matched && !same.matched) same.matched = f.matched;
        continue;
      }
    }
    out.push(f);
  }
  return out;
}

function locKey(l: FindingLocation): string {
  switch (l.part) {
    case 'body':
      return `body:${l.path ?? ''}`;
    case 'header':
      return `header:${l.name}`;
    case 'url':
      return `url`;
    case 'request':
      return 'request';
  }
}
