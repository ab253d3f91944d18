/**
 * The Payload tab: the parsed body as an indented JSON tree, one line per field, each coloured
 * by its verdict. Findings are mapped to fields by their JSON path (Finding.location.path, the
 * same `$.a.b[0]` paths the engine writes); a field inside a flagged object shares its colour.
 * Findings that point at no field here (headers, the URL, a missing field) are listed below the
 * tree, so nothing the audit found is out of sight.
 */
import type { Finding } from '../../engine/finding.js';
import { describeLocation } from '../../engine/finding.js';
import { isJsonObject, pathSegment } from '../../json/json-parse.js';
import { seg, type Line, type Tone } from './line.js';
import { fit, sanitize, textWidth } from './text-fit.js';

export type FieldVerdict = 'allowed' | 'warning' | 'violation';

export interface FieldMark {
  verdict: Exclude<FieldVerdict, 'allowed'>;
  rules: string[];
}

/** Findings by the JSON path they point at (body findings with a path only). */
export function fieldMarks(findings: readonly Finding[]): Map<string, FieldMark> {
  const marks = new Map<string, FieldMark>();
  for (const f of findings) {
    if (f.location.part !== 'body' || !f.location.path) continue;
    const mark = marks.get(f.location.path) ?? { verdict: 'warning', rules: [] };
    if (f.severity === 'error') mark.verdict = 'violation';
    if (!mark.rules.includes(f.rule)) mark.rules.push(f.rule);
    marks.set(f.location.path, mark);
  }
  // Violations first beside a field, so the rule that matters is the one never cut off.
  const isError = new Set(findings.filter((f) => f.severity === 'error').map((f) => f.rule));
  for (const mark of marks.values()) mark.rules.sort((a, b) => Number(!isError.has(a)) - Number(!isError.has(b)));
  return marks;
}

export interface TreeLine {
  /** JSON path of the field this line shows; null for closing brackets. */
  path: string | null;
  /** The field's own verdict (what a finding says about it). */
  own: FieldVerdict;
  /** Its verdict with its ancestors' (a field inside an undocumented object is undocumented too). */
  effective: FieldVerdict;
  rules: string[];
  depth: number;
  /** `"key": value` or a bracket, as it will be shown. */
  text: string;
}

const WORSE: Record<FieldVerdict, number> = { allowed: 0, warning: 1, violation: 2 };
const worst = (a: FieldVerdict, b: FieldVerdict): FieldVerdict => (WORSE[a] >= WORSE[b] ? a : b);

const MAX_TREE_LINES = 20_000;

export interface TreeOptions {
  /** Applied to every key and value (with the JSON path of its field) before it is shown: a report masks evidence here. */
  mask?: (raw: string, path: string, what: 'key' | 'value') => string;
  maxLines?: number;
}

/** Flatten a JSON value into tree lines with the verdict of every field. */
export function payloadTree(
  payload: unknown,
  marks: ReadonlyMap<string, FieldMark>,
  opts: TreeOptions = {},
): { lines: TreeLine[]; truncated: boolean; placed: Set<string> } {
  const mask = opts.mask ?? ((s: string) => s);
  const maxLines = opts.maxLines ?? MAX_TREE_LINES;
  const lines: TreeLine[] = [];
  const placed = new Set<string>();
  let truncated = false;

  const visit = (value: unknown, path: string, depth: number, label: string, inherited: FieldVerdict, trailingComma: boolean): void => {
    if (lines.length >= maxLines) {
      truncated = true;
      return;
    }
    const mark = marks.get(path);
    if (mark) placed.add(path);
    const own: FieldVerdict = mark?.verdict ?? 'allowed';
    const effective = worst(own, inherited);
    const rules = mark?.rules ?? [];
    const comma = trailingComma ? ',' : '';
    const isArray = Array.isArray(value);
    if (isArray || isJsonObject(value)) {
      const entries: Array<[string | number, unknown]> = isArray ? value.map((v, i) => [i, v]) : Object.entries(value);
      const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
      if (entries.length === 0) {
        lines.push({ path, own, effective, rules, depth, text: `${label}${open}${close}${comma}` });
        return;
      }
      lines.push({ path, own, effective, rules, depth, text: `${label}${open}` });
      entries.forEach(([key, child], i) => {
        const childPath = path + pathSegment(key);
        const childLabel = typeof key === 'number' ? '' : `${sanitize(JSON.stringify(mask(key, childPath, 'key')))}: `;
        visit(child, childPath, depth + 1, childLabel, effective, i < entries.length - 1);
      });
      lines.push({ path: null, own: 'allowed', effective, rules: [], depth, text: `${close}${comma}` });
      return;
    }
    const shown = typeof value === 'string' ? JSON.stringify(mask(value, path, 'value')) : mask(JSON.stringify(value) ?? String(value), path, 'value');
    lines.push({ path, own, effective, rules, depth, text: `${label}${sanitize(shown)}${comma}` });
  };
  visit(payload, '$', 0, '', 'allowed', false);
  return { lines, truncated, placed };
}

const TONE: Record<FieldVerdict, Tone> = { allowed: 'pass', warning: 'warn', violation: 'fail' };
const MARKER: Record<FieldVerdict, string> = { allowed: '  ', warning: '! ', violation: '✗ ' };

/** Render tree lines to fit `width`; the rule ids beside a field are kept and its value is cut instead. */
export function payloadLines(
  payload: unknown,
  hasPayload: boolean,
  findings: readonly Finding[],
  width: number,
): Line[] {
  const out: Line[] = [];
  const marks = fieldMarks(findings);
  let placed = new Set<string>();
  if (!hasPayload) {
    out.push([seg('The body is not a JSON payload (see Raw); nothing to show as a tree.', 'dim')]);
  } else {
    const tree = payloadTree(payload, marks);
    placed = tree.placed;
    for (const t of tree.lines) {
      const indent = '  '.repeat(t.depth);
      const mark = t.own === 'violation' ? '✗' : '!';
      let suffix = t.rules.length > 0 ? `  ${mark} ${t.rules.join(', ')}` : '';
      // Short of room, name the first (worst) rule and count the others (the Findings tab lists
      // them all) before cutting the value itself.
      if (t.rules.length > 1 && 2 + indent.length + textWidth(t.text) + textWidth(suffix) > width) {
        suffix = `  ${mark} ${t.rules[0]} +${t.rules.length - 1}`;
      }
      const room = Math.max(8, width - 2 - indent.length - textWidth(suffix));
      const line: Line = [seg(MARKER[t.own], TONE[t.own]), seg(indent), seg(fit(t.text, room), t.path === null ? 'dim' : TONE[t.effective])];
      if (suffix) line.push(seg(suffix, TONE[t.own]));
      out.push(line);
    }
    if (tree.truncated) out.push([seg(`… the tree stops at ${MAX_TREE_LINES} lines`, 'dim')]);
  }
  const elsewhere = findings.filter((f) => !(f.location.part === 'body' && f.location.path && placed.has(f.location.path)));
  if (elsewhere.length > 0) {
    out.push([]);
    out.push([seg(hasPayload ? 'Findings not on a field of this tree:' : 'Findings:', 'heading')]);
    for (const f of elsewhere) {
      const tone: Tone = f.severity === 'error' ? 'fail' : 'warn';
      out.push([seg(f.severity === 'error' ? '✗ ' : '! ', tone), seg(`${f.rule}  `, tone), seg(sanitize(describeLocation(f.location)), 'dim')]);
    }
  }
  return out;
}
