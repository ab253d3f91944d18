/**
 * Approved findings: a reviewed list of finding fingerprints that no longer fail a run. The
 * fingerprint depends on rule, payload kind, where in the payload, and the evidence, but not on
 * request ids, times or line numbers, so a re-captured run matches. The file carries the
 * fingerprint and enough to review it (rule, kind, location), never the evidence itself.
 */
import * as z from 'zod';
import { verdictOf, type RequestResult } from '../engine/audit-request.js';
import { describeLocation, type Finding, type FindingLocation } from '../engine/finding.js';
import { keySegment } from './shape.js';
import { parseJsonFile, type ParseResult } from './parse-json-file.js';

export const BASELINE_FILE_VERSION = 1;

export interface BaselineEntry {
  fingerprint: string;
  rule: string;
  kind: string | null;
  location: string;
}

export interface BaselineFile {
  baselineVersion: typeof BASELINE_FILE_VERSION;
  tool: 'telemetry-audit';
  policy: string;
  findings: BaselineEntry[];
}

const BaselineFileSchema = z.strictObject({
  baselineVersion: z.literal(BASELINE_FILE_VERSION),
  tool: z.literal('telemetry-audit'),
  policy: z.string(),
  findings: z.array(
    z.strictObject({
      fingerprint: z.string().regex(/^[0-9a-f]{32}$/, 'a fingerprint is 32 lower-case hex digits'),
      rule: z.string(),
      kind: z.string().nullable(),
      location: z.string(),
    }),
  ),
});

/**
 * The location as the fingerprint sees it: no byte positions, array indexes as `[]`. A quoted
 * key that is not a field name (user data used as a key) is written as a hash, as in shapes.
 */
function stableLocation(location: FindingLocation): string {
  if (location.part !== 'body') return describeLocation(location);
  if (!location.path) return describeLocation({ part: 'body' });
  const path = location.path.replace(/\[\d+\]/g, '[]').replace(/\[("(?:[^"\\]|\\.)*")\]/g, (_m, quoted: string) => keySegment(JSON.parse(quoted) as string));
  return describeLocation({ part: 'body', path });
}

export function baselineEntry(f: Finding): BaselineEntry {
  return { fingerprint: f.fingerprint, rule: f.rule, kind: f.kind, location: stableLocation(f.location) };
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function compareEntries(a: BaselineEntry, b: BaselineEntry): number {
  return byCodeUnit(a.rule, b.rule) || byCodeUnit(a.kind ?? '', b.kind ?? '') || byCodeUnit(a.location, b.location) || byCodeUnit(a.fingerprint, b.fingerprint);
}

export function baselineFile(entries: Iterable<BaselineEntry>, policy: string): BaselineFile {
  const unique = new Map<string, BaselineEntry>();
  for (const e of entries) if (!unique.has(e.fingerprint)) unique.set(e.fingerprint, e);
  return { baselineVersion: BASELINE_FILE_VERSION, tool: 'telemetry-audit', policy, findings: [...unique.values()].sort(compareEntries) };
}

export function parseBaselineFile(text: string): ParseResult<BaselineFile> {
  const parsed = parseJsonFile(text, BaselineFileSchema, 'a findings baseline');
  return parsed.ok ? { ok: true, value: parsed.value as BaselineFile } : parsed;
}

/**
 * Marks findings a baseline approves and remembers which approvals were used, so entries for
 * findings that no longer occur can be pointed out (and pruned by --update-baseline).
 */
export class BaselineMatcher {
  private readonly approved: Map<string, BaselineEntry>;
  private readonly used = new Set<string>();

  constructor(entries: Iterable<BaselineEntry>) {
    this.approved = new Map([...entries].map((e) => [e.fingerprint, e]));
  }

  /** The result with approved findings marked and its verdict recomputed from the rest. */
  apply(result: RequestResult): RequestResult {
    if (result.findings.length === 0) return result;
    let changed = false;
    const findings = result.findings.map((f) => {
      if (f.approved || !this.approved.has(f.fingerprint)) return f;
      this.used.add(f.fingerprint);
      changed = true;
      return { ...f, approved: true };
    });
    if (!changed) return result;
    return { ...result, findings, verdict: verdictOf(findings.filter((f) => !f.approved)) };
  }

  /** Approved entries no finding of this run matched. */
  stale(): BaselineEntry[] {
    return [...this.approved.values()].filter((e) => !this.used.has(e.fingerprint)).sort(compareEntries);
  }
}

/** Approves everything: what `--update-baseline` does while it records the new baseline. */
export function approveAll(result: RequestResult): RequestResult {
  if (result.findings.length === 0 || result.verdict === 'skipped') return result;
  return { ...result, findings: result.findings.map((f) => (f.approved ? f : { ...f, approved: true })), verdict: 'pass' };
}
