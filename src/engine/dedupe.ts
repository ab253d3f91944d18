/** One value, one finding: what the scan and the checks both found is reported once. */
import type { Finding, FindingLocation } from './finding.js';

/**
 * One value, one finding: the same evidence found by a scan in a parsed string and again in
 * the raw body, or by a scan where the schema already reported that very value, is reported
 * once, at its most precise location.
 */
export function dedupe(findings: Finding[], scanned: ReadonlySet<Finding>): Finding[] {
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

