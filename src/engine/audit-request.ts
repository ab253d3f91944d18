/**
 * The audit engine: one request in, its kind, verdict and findings out. Pure: no file system,
 * network, process or UI, so the CI command, the live proxy and the TUI all call this same
 * function and can never disagree about a request. This is the pipeline (read the body,
 * classify, check, scan, dedupe); the checks are in policy-check.ts, the scanning in scan.ts,
 * the dedupe in dedupe.ts.
 */
import type { CapturedRequest } from '../capture/captured-request.js';
import { headerValues } from '../capture/captured-request.js';
import type { Detector } from '../detectors/detector.js';
import type { TextPart, TextScanner } from '../detectors/text-scanner.js';
import type { BodyFormat, RequestTarget } from '../policy/policy-schema.js';
import { parseJson, pathSegment } from '../json/json-parse.js';
import { parseForm, parseFormLines, queryRecord } from './form-body.js';
import { decodeBody, decodeUtf8, DEFAULT_MAX_BODY_BYTES } from './body-decode.js';
import type { CompiledKind, CompiledPolicy } from './compiled-policy.js';
import { dedupe } from './dedupe.js';
import type { Finding } from './finding.js';
import { fingerprintOf } from './finding.js';
import { addCheckFailed, FindingSink } from './finding-sink.js';
import { checkDestination, checkHeaders, checkKind, checkQuery } from './policy-check.js';
import { jsonTextParts } from './request-parts.js';
import { RULES } from './rules.js';
import { urlFacts } from './url-facts.js';
import { scanJsonBody, scanParts } from './scan.js';

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

export type { TextScanner } from '../detectors/text-scanner.js';

export interface AuditOptions {
  detectors?: readonly Detector[];
  scanners?: readonly TextScanner[];
  /** Keep the parsed payload and body text on the result (the inspector wants them; a CI run does not). */
  keepPayload?: boolean;
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


function auditRequestChecked(request: CapturedRequest, policy: CompiledPolicy, options: AuditOptions): RequestResult {
  const sink = new FindingSink(policy, request.id);
  const url = urlFacts(request.url);

  // A request whose container is in doubt is audited even to loopback: a duplicate "url" key
  // could put a loopback address in front of the one that was really used.
  if (url && policy.policy.loopback === 'skip' && url.loopback && !request.containerProblems?.length) {
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
  let jsonBody: { payload: unknown; text: string } | null = null;
  const query = url ? queryRecord(url) : {};
  const target = url ? { host: url.hostname, path: url.pathname, method: request.method, transport: request.transport, query } : null;
  // Parsed once, whether the non-JSON kinds or the JSON path asks first.
  let parsedBody: ReturnType<typeof parseJson> | null | undefined;
  const parseBody = (text: string) => (parsedBody ??= text.trim() === '' ? null : parseJson(text));
  const other = body.text !== undefined ? nonJsonKind(policy, body.text, target, parseBody) : null;
  if (other) {
    // A kind whose body is a form, form lines or nothing: its fields are checked as JSON's are.
    compiledKind = other.compiled;
    payload = other.payload;
    sink.kind = compiledKind.kind.id;
    for (const f of sink.findings) {
      f.kind = sink.kind;
      f.fingerprint = fingerprintOf(f);
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
    const parsed = parseBody(body.text);
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
        f.fingerprint = fingerprintOf(f);
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
      // Its strings with their paths, and the raw text too: escapes and encodings that parsing
      // undoes are scanned as sent (scanned last, after the other parts).
      jsonBody = { payload, text: body.text };
    }
  } else if (body.bytesForScan !== undefined) {
    parts.push({ location: { part: 'body' }, text: body.bytesForScan });
  }

  if (compiledKind?.query) checkQuery(compiledKind, query, policy, sink);
  if (url) checkDestination(url, request, policy, sink, compiledKind);
  scanParts(parts, options, sink);
  if (jsonBody) {
    const { payload: value, text } = jsonBody;
    scanJsonBody({ location: { part: 'body' }, text, parsedElsewhere: true }, () => jsonTextParts(value, '$'), options, sink);
  }

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

/**
 * The first kind, in policy order, whose body format is not JSON and that matches: a form body
 * parsed as a form, a batch line by line, an empty body as nothing. A JSON kind that comes first
 * and matches wins as before (null here).
 */
function nonJsonKind(
  policy: CompiledPolicy,
  text: string,
  target: RequestTarget | null,
  parseBody: (text: string) => ReturnType<typeof parseJson> | null,
): { compiled: CompiledKind; payload: unknown; format: BodyFormat } | null {
  if (!policy.kinds.some((k) => (k.kind.body ?? 'json') !== 'json')) return null;
  let json: { value: unknown } | null | undefined;
  for (const k of policy.kinds) {
    const format = k.kind.body ?? 'json';
    if (format === 'json') {
      json ??= (() => {
        const parsed = parseBody(text);
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

