/** One value, one finding: what the scan and the checks both found is reported once. */
import type { Finding, FindingLocation } from './finding.js';

/**
 * Up to this many findings (nearly every request) are compared pair by pair, which builds no
 * key strings; more go through keyed sets. Both decide by the same equalities.
 */
const PAIRWISE_MAX = 24;

/**
 * One value, one finding: the same evidence found by a scan in a parsed string and again in
 * the raw body, or by a scan where the schema already reported that very value, is reported
 * once, at its most precise location.
 */
export function dedupe(findings: Finding[], scanned: ReadonlySet<Finding>): Finding[] {
  return findings.length <= PAIRWISE_MAX ? dedupePairwise(findings, scanned) : dedupeKeyed(findings, scanned);
}

/** Exported for the test that holds both ways to the same answer. */
export function dedupePairwise(findings: Finding[], scanned: ReadonlySet<Finding>): Finding[] {
  const out: Finding[] = [];
  next: for (let i = 0; i < findings.length; i++) {
    const f = findings[i]!;
    for (let j = 0; j < i; j++) if (sameFinding(findings[j]!, f)) continue next;
    if (f.evidence !== undefined && scanned.has(f)) {
      if (f.location.part === 'body' && !f.location.path && hasPreciseTwin(findings, scanned, f, f.evidence)) continue;
      const same = checkedTwin(findings, scanned, f, f.evidence);
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

/** Same rule, place, evidence and encoding: the one finding twice. */
function sameFinding(a: Finding, b: Finding): boolean {
  return a.rule === b.rule && sameLocation(a.location, b.location) && (a.evidence ?? '') === (b.evidence ?? '') && (a.encoding ?? '') === (b.encoding ?? '');
}

/** A scan found the same evidence, under the same rule, at a path in the body (letter case aside). */
function hasPreciseTwin(findings: readonly Finding[], scanned: ReadonlySet<Finding>, f: Finding, evidence: string): boolean {
  let lower: string | undefined;
  for (const g of findings) {
    if (g.rule !== f.rule || g.evidence === undefined || g.location.part !== 'body' || !g.location.path || !scanned.has(g)) continue;
    lower ??= evidence.toLowerCase();
    if (g.evidence.toLowerCase() === lower) return true;
  }
  return false;
}

/** The last finding of the checks (not a scan) with this very evidence at the same place. */
function checkedTwin(findings: readonly Finding[], scanned: ReadonlySet<Finding>, f: Finding, evidence: string): Finding | undefined {
  for (let i = findings.length - 1; i >= 0; i--) {
    const g = findings[i]!;
    if (g.evidence === evidence && sameLocation(g.location, f.location) && !scanned.has(g)) return g;
  }
  return undefined;
}

/** What locKey tells apart: the body path, the header name as sent, the URL and the request as wholes. */
function sameLocation(a: FindingLocation, b: FindingLocation): boolean {
  if (a.part !== b.part) return false;
  if (a.part === 'body') return (a.path ?? '') === ((b as typeof a).path ?? '');
  if (a.part === 'header') return a.name === (b as typeof a).name;
  return true;
}

/** Exported for the test that holds both ways to the same answer. */
export function dedupeKeyed(findings: Finding[], scanned: ReadonlySet<Finding>): Finding[] {
  // Keys are joined with NUL, which no rule, location key or encoding holds (header names
  // cannot, body paths escape it): two different findings never share a key.
  const precise = new Set<string>();
  const checked = new Map<string, Finding>();
  for (const f of findings) {
    if (f.evidence === undefined) continue;
    if (scanned.has(f) && f.location.part === 'body' && f.location.path) precise.add(`${f.rule}\0${f.evidence.toLowerCase()}`);
    if (!scanned.has(f)) checked.set(`${locKey(f.location)}\0${f.evidence}`, f);
  }
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const f of findings) {
    const key = `${f.rule}\0${locKey(f.location)}\0${f.evidence ?? ''}\0${f.encoding ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (scanned.has(f) && f.evidence !== undefined) {
      if (f.location.part === 'body' && !f.location.path && precise.has(`${f.rule}\0${f.evidence.toLowerCase()}`)) continue;
      const same = checked.get(`${locKey(f.location)}\0${f.evidence}`);
      if (same) {
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
