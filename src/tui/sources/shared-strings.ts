/**
 * The inspector keeps every result it loads (100,000 of them, with ~4 findings each), and a
 * result's strings arrive as fresh copies: parsed from a worker's reply, or made by the audit.
 * Most repeat across requests (a rule's message, a kind, a JSON path, a fingerprint, a URL),
 * yet each copy survived the young generation and was copied into the old one: on the main
 * thread, whose time is what `inspect` loads at, that promotion was the largest cost beyond
 * what `audit` does (issue 15: inspect loads at ≥ 0.8x audit's rate). Equal strings are the
 * same value in JavaScript, so sharing one copy changes nothing a reader can see.
 */
import type { RequestResult } from '../../engine/audit-request.js';

export class StringPool {
  private readonly kept = new Map<string, string>();

  /** Bounded: past `max` distinct strings, new ones are kept as they came. */
  constructor(private readonly max = 100_000) {}

  share(s: string): string {
    const kept = this.kept.get(s);
    if (kept !== undefined) return kept;
    if (this.kept.size < this.max) this.kept.set(s, s);
    return s;
  }
}

/** The result with its repeated strings replaced by the pool's copies (in place: equal values). */
export function shareStrings(result: RequestResult, pool: StringPool): RequestResult {
  const request = result.request;
  if (request.url !== null) request.url = pool.share(request.url);
  request.method = pool.share(request.method);
  if (result.kind !== null) result.kind = pool.share(result.kind);
  for (const f of result.findings) {
    f.rule = pool.share(f.rule);
    f.severity = pool.share(f.severity) as typeof f.severity;
    f.message = pool.share(f.message);
    f.fingerprint = pool.share(f.fingerprint);
    // The request's own id, not a copy of it.
    if (f.requestId === request.id) f.requestId = request.id;
    if (f.kind !== null) f.kind = pool.share(f.kind);
    const location = f.location as { part: string; path?: string };
    location.part = pool.share(location.part);
    if (location.path !== undefined) location.path = pool.share(location.path);
    if (f.matched !== undefined) f.matched = pool.share(f.matched);
  }
  return result;
}
