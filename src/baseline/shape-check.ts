/**
 * Check one payload against an approved shape baseline: a kind the baseline never saw, a field
 * it does not have, or a value type it never saw for a field is a finding. Fields the payload
 * lacks are not: a field that stops being sent is not telemetry growing.
 */
import { SHAPE_RULES } from './rules.js';
import { sortedTypes, topmost, type FieldTypes, type ShapeSet } from './shape.js';

export interface ShapeIssue {
  rule: string;
  path: string;
  message: string;
}

export function shapeIssues(kind: string, payload: FieldTypes, baseline: ShapeSet): ShapeIssue[] {
  const known = baseline.kinds.get(kind);
  if (!known) {
    return [{ rule: SHAPE_RULES.newKind.id, path: '$', message: `payload kind "${kind}" is not in the shape baseline (${baseline.size} kinds recorded)` }];
  }
  const issues: ShapeIssue[] = [];
  const added = [...payload.keys()].filter((p) => !known.fields.has(p));
  for (const { path, nested } of topmost(added)) {
    const types = sortedTypes(payload.get(path)!).join(' | ');
    const inner = nested > 0 ? `, with ${nested} nested field${nested === 1 ? '' : 's'}` : '';
    issues.push({ rule: SHAPE_RULES.newField.id, path, message: `field ${path} (${types}${inner}) is not in the shape baseline` });
  }
  for (const [path, types] of payload) {
    const before = known.fields.get(path);
    if (!before) continue;
    const fresh = [...types].filter((t) => !before.has(t));
    if (fresh.length > 0) {
      issues.push({
        rule: SHAPE_RULES.newType.id,
        path,
        message: `field ${path} is ${sortedTypes(fresh).join(' | ')}; the shape baseline has only ${sortedTypes(before).join(' | ')}`,
      });
    }
  }
  return issues;
}
