/**
 * The Diff tab: the selected payload against the policy's documented sample for its kind, and
 * against the previous payload of the same kind, each twice: by shape (field names and value
 * types, which is where a new field or a changed type shows) and by value. Diffs come from the
 * `diff` library over canonical (key-sorted) JSON, shown as hunks with a little context.
 */
import { jsonDiff, type ChangeObject } from 'diff';
import { isJsonObject } from '../../json/json-parse.js';
import { seg, type Line } from './line.js';
import { sanitize } from './text-fit.js';

const CONTEXT = 2;
const MAX_DIFF_LINES = 4000;

/** A value's shape: each leaf replaced by its type, array elements reduced to their distinct shapes. */
export function shapeOf(value: unknown): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    const seen = new Map<string, unknown>();
    for (const v of value) {
      const s = shapeOf(v);
      const key = JSON.stringify(s);
      if (!seen.has(key)) seen.set(key, s);
    }
    return [...seen.values()];
  }
  if (isJsonObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = shapeOf(v);
    return out;
  }
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

export interface DiffStats {
  added: number;
  removed: number;
}

/**
 * `diffJson`, with its line equality (two lines are equal when they are, or differ only by a
 * comma before the line break) answered from each line normalised once per diff: the library
 * runs its regex on both lines of every comparison, most of a diff's time when the payloads
 * differ much. test/tui/render.test.ts compares the two on random payloads.
 */
export function diffJsonLines(before: string | object, after: string | object): ChangeObject<string>[] {
  const normal = new Map<string, string>();
  const norm = (line: string) => {
    let n = normal.get(line);
    if (n === undefined) {
      n = line.replace(/,([\r\n])/g, '$1');
      normal.set(line, n);
    }
    return n;
  };
  const differ = Object.create(jsonDiff, { equals: { value: (l: string, r: string) => l === r || norm(l) === norm(r) } }) as typeof jsonDiff;
  return differ.diff(before, after, {});
}

/** Diff two JSON values as hunks: changed lines with CONTEXT unchanged lines around them. */
export function jsonDiffLines(before: unknown, after: unknown): { lines: Line[]; stats: DiffStats } | { tooLarge: true } {
  const size = (v: unknown) => (JSON.stringify(v, null, 2) ?? '').split('\n').length;
  if (size(before) + size(after) > MAX_DIFF_LINES) return { tooLarge: true };
  const changes = diffJsonLines(toDiffable(before), toDiffable(after));
  const rows: Array<{ kind: ' ' | '+' | '-'; text: string }> = [];
  for (const c of changes) {
    const kind = c.added ? '+' : c.removed ? '-' : ' ';
    const text = c.value.endsWith('\n') ? c.value.slice(0, -1) : c.value;
    for (const l of text.split('\n')) rows.push({ kind, text: l });
  }
  const stats = { added: rows.filter((r) => r.kind === '+').length, removed: rows.filter((r) => r.kind === '-').length };
  const keep = rows.map((r) => r.kind !== ' ');
  const near = rows.map((_, i) => rows.slice(Math.max(0, i - CONTEXT), i + CONTEXT + 1).some((r) => r.kind !== ' '));
  const lines: Line[] = [];
  let skipped = 0;
  const flush = () => {
    if (skipped > 0) lines.push([seg(`  ⋯ ${skipped} unchanged line${skipped === 1 ? '' : 's'}`, 'dim')]);
    skipped = 0;
  };
  rows.forEach((r, i) => {
    if (!keep[i] && !near[i]) {
      skipped++;
      return;
    }
    flush();
    const tone = r.kind === '+' ? 'added' : r.kind === '-' ? 'removed' : 'dim';
    lines.push([seg(`${r.kind} ${sanitize(r.text)}`, tone)]);
  });
  flush();
  return { lines, stats };
}

/** diffJson wants an object or a string; a bare scalar payload is compared as its JSON. */
function toDiffable(v: unknown): string | object {
  return typeof v === 'object' && v !== null ? v : JSON.stringify(v) ?? 'undefined';
}

export interface DiffInput {
  kind: string | null;
  payload: unknown;
  hasPayload: boolean;
  /** The policy's documented sample for this kind, when it has one. */
  sample?: unknown;
  previous?: { label: string; payload: unknown };
}

function section(out: Line[], title: string, before: unknown, after: unknown, same: string): void {
  const d = jsonDiffLines(before, after);
  if ('tooLarge' in d) {
    out.push([seg(title, 'heading'), seg('  too large to diff here', 'dim')]);
    return;
  }
  if (d.stats.added === 0 && d.stats.removed === 0) {
    out.push([seg(title, 'heading'), seg(`  ${same}`, 'pass')]);
    return;
  }
  out.push([seg(title, 'heading'), seg(`  +${d.stats.added} `, 'added'), seg(`-${d.stats.removed}`, 'removed')]);
  out.push(...d.lines);
}

export function diffLines(input: DiffInput): Line[] {
  const out: Line[] = [];
  if (!input.hasPayload) return [[seg('The body is not a JSON payload: there is nothing to compare.', 'dim')]];
  if (input.kind === null) return [[seg('The payload matches no kind of the policy, so there is no documented sample or previous payload of its kind to compare with.', 'dim')]];
  out.push([seg(`- documented / previous   + this payload   (kind ${input.kind})`, 'dim')]);
  out.push([]);
  if (input.sample === undefined) {
    out.push([seg('vs the documented sample', 'heading'), seg(`  the policy has no sample for ${input.kind}`, 'dim')]);
  } else {
    section(out, 'vs the documented sample: shape', shapeOf(input.sample), shapeOf(input.payload), 'same fields and types');
    out.push([]);
    section(out, 'vs the documented sample: values', input.sample, input.payload, 'identical');
  }
  out.push([]);
  if (!input.previous) {
    out.push([seg('vs the previous payload of this kind', 'heading'), seg('  this is the first one', 'dim')]);
  } else {
    out.push([seg(`the previous ${input.kind}: ${sanitize(input.previous.label)}`, 'dim')]);
    section(out, `vs the previous ${input.kind}: shape`, shapeOf(input.previous.payload), shapeOf(input.payload), 'same fields and types');
    out.push([]);
    section(out, `vs the previous ${input.kind}: values`, input.previous.payload, input.payload, 'identical');
  }
  return out;
}
