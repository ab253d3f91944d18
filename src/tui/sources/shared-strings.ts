/**
 * The inspector keeps every result it loads (100,000 of them, with ~4 findings each), and a
 * result's strings arrive as fresh copies: parsed from a worker's reply, or made by the audit.
 * Most repeat from one request of a kind to the next (a rule's message, a JSON path, a
 * fingerprint, the URL), yet each copy survived the young generation and was copied into the
 * old one: on the main thread, whose time is what `inspect` loads at, that promotion was the
 * largest cost beyond what `audit` does (issue 15: inspect loads at ≥ 0.8x audit's rate).
 *
 * So each result takes its strings from the last result of its kind where they are equal.
 * Equal strings are the same value in JavaScript, so nothing a reader can see changes. A
 * comparison of two equal strings is cheap; looking every string up in a table was not (the
 * hashing cost as much main-thread time as the copies it saved).
 */
import type { RequestResult } from '../../engine/audit-request.js';
import type { Finding } from '../../engine/finding.js';

export class SharedStrings {
  private readonly lastOfKind = new Map<string, RequestResult>();

  /** The result with its strings replaced by equal ones of the last result of its kind (in place). */
  share(result: RequestResult): RequestResult {
    const key = result.kind ?? '';
    const previous = this.lastOfKind.get(key);
    this.lastOfKind.set(key, result);
    if (previous === undefined) return result;
    if (previous.kind !== null) result.kind = previous.kind;
    const request = result.request;
    const before = previous.request;
    if (request.url === before.url) request.url = before.url;
    if (request.method === before.method) request.method = before.method;
    const earlier = previous.findings;
    result.findings.forEach((f, i) => {
      // Findings come in the same order for requests alike; else the first of the same rule.
      const match = earlier[i]?.rule === f.rule ? earlier[i] : earlier.find((e) => e.rule === f.rule);
      if (match) shareFinding(f, match, request.id);
    });
    return result;
  }
}

function shareFinding(f: Finding, match: Finding, requestId: string): void {
  f.rule = match.rule;
  if (f.severity === match.severity) f.severity = match.severity;
  if (f.message === match.message) f.message = match.message;
  if (f.fingerprint === match.fingerprint) f.fingerprint = match.fingerprint;
  if (f.kind === match.kind) f.kind = match.kind;
  if (f.matched !== undefined && f.matched === match.matched) f.matched = match.matched;
  // The request's own id, not a copy of it.
  if (f.requestId === requestId) f.requestId = requestId;
  const location = f.location as { part: string; path?: string };
  const other = match.location as { part: string; path?: string };
  if (location.part === other.part) location.part = other.part;
  if (location.path !== undefined && location.path === other.path) location.path = other.path;
}
