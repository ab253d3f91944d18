/**
 * Findings are data: what rule, how bad, where in which request, and the evidence that proves
 * it. Evidence stays in memory for the reviewer; reporters redact it unless asked not to.
 */
import { createHash } from 'node:crypto';
import type { Severity } from '../policy/policy-schema.js';
import type { JsonPosition } from '../json/json-parse.js';

export type { Severity };

export type FindingLocation =
  | { part: 'request' }
  | { part: 'url'; component?: 'host' | 'path' | 'query'; path?: string }
  | { part: 'header'; name: string }
  | { part: 'body'; path?: string; position?: JsonPosition };

export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  requestId: string;
  /** Payload kind of the request, when it was classified. */
  kind: string | null;
  location: FindingLocation;
  /** The offending value exactly as found. Never printed unless evidence is revealed. */
  evidence?: string;
  /** For detector findings: how the value was encoded where it was found (raw, base64, sha256-hex, ...). */
  encoding?: string;
  /** Which sensitive-term source or detector matched, safe to print (a kind name, not a value). */
  matched?: string;
  /** Stable across runs: depends on rule, kind, location and evidence, not on ids, times or lines. */
  fingerprint: string;
  /** Approved in a findings baseline: still reported, but it does not fail the run. */
  approved?: boolean;
}

export function describeLocation(location: FindingLocation): string {
  switch (location.part) {
    case 'request':
      return 'request';
    case 'url':
      return location.component ? `url ${location.component}` : 'url';
    case 'header':
      return `header ${location.name.toLowerCase()}`;
    case 'body': {
      const parts = ['body'];
      if (location.path) parts.push(location.path);
      if (location.position) parts.push(`(line ${location.position.line}, column ${location.position.column})`);
      return parts.join(' ');
    }
  }
}

/** The location without volatile parts (byte positions move when unrelated fields change). */
function stableLocation(location: FindingLocation): string {
  return location.part === 'request' ? 'request' : `${location.part}:${placeOf(location)}`;
}

// The same finding recurs on every request of a kind (an undocumented field, say); hashing
// it once per run instead of once per request is a measurable share of audit time. The cache is
// keyed level by level (rule, kind, part, place in the part, evidence) so that a lookup joins no
// strings: each level's key is a string the finding already holds.
type ByEvidence = Map<string, string>;
type ByPlace = Map<string, ByEvidence>;
type ByPart = Map<string, ByPlace>;
type ByKind = Map<string, ByPart>;
const fingerprintCache = new Map<string, ByKind>();
let fingerprintCount = 0;
const FINGERPRINT_CACHE_MAX = 50_000;

/** What tells two places of one part apart: the location's stable form, less its part. */
function placeOf(location: FindingLocation): string {
  switch (location.part) {
    case 'body':
      return location.path ?? '';
    case 'header':
      return location.name.toLowerCase();
    case 'url':
      return location.component ?? '';
    case 'request':
      return '';
  }
}

function level<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let next = map.get(key);
  if (next === undefined) map.set(key, (next = make()));
  return next;
}

export function fingerprintOf(parts: { rule: string; kind: string | null; location: FindingLocation; evidence?: string | undefined }): string {
  const evidence = parts.evidence ?? '';
  const kind = parts.kind ?? '';
  // Once per call: a header's place is its name lower-cased, a new string each time.
  const place = placeOf(parts.location);
  let byEvidence = fingerprintCache.get(parts.rule)?.get(kind)?.get(parts.location.part)?.get(place);
  const cached = byEvidence?.get(evidence);
  if (cached !== undefined) return cached;
  if (fingerprintCount >= FINGERPRINT_CACHE_MAX) {
    fingerprintCache.clear();
    fingerprintCount = 0;
    byEvidence = undefined;
  }
  byEvidence ??= level(
    level(level(level(fingerprintCache, parts.rule, (): ByKind => new Map()), kind, (): ByPart => new Map()), parts.location.part, (): ByPlace => new Map()),
    place,
    (): ByEvidence => new Map(),
  );
  const value = computeFingerprint(parts);
  byEvidence.set(evidence, value);
  fingerprintCount++;
  return value;
}

function computeFingerprint(parts: { rule: string; kind: string | null; location: FindingLocation; evidence?: string | undefined }): string {
  const h = createHash('sha256');
  h.update(parts.rule);
  h.update('\0');
  h.update(parts.kind ?? '');
  h.update('\0');
  // Array indexes are volatile (the third of five frames today, the fourth tomorrow).
  h.update(stableLocation(parts.location).replace(/\[\d+\]/g, '[]'));
  h.update('\0');
  h.update(parts.evidence ?? '');
  return h.digest('hex').slice(0, 32);
}

/**
 * What a report may show of a value it must not leak: its length and shape, never its
 * characters (even first and last letters narrow a dictionary search for a short name).
 */
export function redact(evidence: string): string {
  const len = [...evidence].length;
  return `[redacted ${len} char${len === 1 ? '' : 's'}]`;
}

export function evidenceText(finding: Pick<Finding, 'evidence'>, reveal: boolean): string | undefined {
  if (finding.evidence === undefined) return undefined;
  return reveal ? finding.evidence : redact(finding.evidence);
}
