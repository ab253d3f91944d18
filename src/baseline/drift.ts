/**
 * Drift between two capture sets (say, the telemetry of two releases): per payload kind, the
 * fields added, removed and whose types changed, and the findings that are new (or gone). Pure: the
 * `diff` command reads and audits the captures, this compares what it collected.
 *
 * A kind may be renamed between releases (Hasura's server payload went from `server-v1` to
 * `server-v2`): a kind only in the old set and one only in the new set that share most of their
 * field paths are paired and diffed, with the old name shown, rather than reported as one kind
 * gone and an unrelated one new.
 */
import { sortedTypes, type FieldTypes, type ShapeSet, type ValueType } from './shape.js';

export interface FindingDigest {
  fingerprint: string;
  rule: string;
  severity: 'error' | 'warning';
  kind: string | null;
  location: string;
  /** The message of the first occurrence. */
  message: string;
  /** Requests it occurred in. */
  count: number;
}

export interface CaptureSide {
  /** The inputs as given. */
  inputs: string[];
  requests: number;
  audited: number;
  shapes: ShapeSet;
  findings: Map<string, FindingDigest>;
}

export interface FieldTypesDigest {
  path: string;
  types: ValueType[];
}

export interface FieldChange {
  path: string;
  old: ValueType[];
  new: ValueType[];
}

export interface KindDrift {
  kind: string;
  /** The kind it was paired with in the old set, when the name changed. */
  previousKind?: string;
  /** `changed` covers a renamed kind too; see previousKind. */
  status: 'added' | 'removed' | 'changed' | 'unchanged';
  requests: { old: number; new: number };
  added: FieldTypesDigest[];
  removed: FieldTypesDigest[];
  changed: FieldChange[];
  /** Something is sent that was not before: a kind, a field, or a value type. */
  grew: boolean;
}

export interface Drift {
  kinds: KindDrift[];
  newFindings: FindingDigest[];
  resolvedFindings: FindingDigest[];
  /**
   * Telemetry grew: a kind, field or type appeared, or an error finding is new. New warnings are
   * listed but do not count on their own: sending less also makes some (a missing field).
   */
  grew: boolean;
  /** Anything differs at all. */
  changed: boolean;
}

/** Two kinds are the same payload renamed when this share of the smaller one's paths is common. */
export const PAIRING_THRESHOLD = 0.5;

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function overlap(a: FieldTypes, b: FieldTypes): number {
  // The root is in every shape; counting it would pair any two small kinds.
  const pa = [...a.keys()].filter((p) => p !== '$');
  const pb = new Set([...b.keys()].filter((p) => p !== '$'));
  const smaller = Math.min(pa.length, pb.size);
  if (smaller === 0) return 0;
  return pa.filter((p) => pb.has(p)).length / smaller;
}

function compareFields(oldF: FieldTypes, newF: FieldTypes): Pick<KindDrift, 'added' | 'removed' | 'changed' | 'grew'> {
  const added: FieldTypesDigest[] = [];
  const removed: FieldTypesDigest[] = [];
  const changed: FieldChange[] = [];
  let grew = false;
  for (const path of [...newF.keys()].sort(byCodeUnit)) {
    const now = newF.get(path)!;
    const before = oldF.get(path);
    if (!before) {
      added.push({ path, types: sortedTypes(now) });
      grew = true;
    } else if (before.size !== now.size || [...now].some((t) => !before.has(t))) {
      changed.push({ path, old: sortedTypes(before), new: sortedTypes(now) });
      if ([...now].some((t) => !before.has(t))) grew = true;
    }
  }
  for (const path of [...oldF.keys()].sort(byCodeUnit)) if (!newF.has(path)) removed.push({ path, types: sortedTypes(oldF.get(path)!) });
  return { added, removed, changed, grew };
}

const NO_FIELDS: FieldTypes = new Map();

export function driftBetween(old: CaptureSide, next: CaptureSide): Drift {
  const oldKinds = old.shapes.kinds;
  const newKinds = next.shapes.kinds;
  const onlyOld = [...oldKinds.keys()].filter((k) => !newKinds.has(k));
  const onlyNew = [...newKinds.keys()].filter((k) => !oldKinds.has(k));

  // Greedy pairing, best overlap first; ties broken by name so the result is stable.
  const candidates: Array<{ o: string; n: string; score: number }> = [];
  for (const o of onlyOld) for (const n of onlyNew) {
    const score = overlap(oldKinds.get(o)!.fields, newKinds.get(n)!.fields);
    if (score >= PAIRING_THRESHOLD) candidates.push({ o, n, score });
  }
  candidates.sort((a, b) => b.score - a.score || byCodeUnit(a.n, b.n) || byCodeUnit(a.o, b.o));
  const pairedOld = new Map<string, string>();
  const pairedNew = new Map<string, string>();
  for (const c of candidates) {
    if (pairedOld.has(c.o) || pairedNew.has(c.n)) continue;
    pairedOld.set(c.o, c.n);
    pairedNew.set(c.n, c.o);
  }

  const kinds: KindDrift[] = [];
  for (const kind of [...newKinds.keys()].sort(byCodeUnit)) {
    const now = newKinds.get(kind)!;
    const previousKind = oldKinds.has(kind) ? kind : pairedNew.get(kind);
    if (previousKind === undefined) {
      kinds.push({ kind, status: 'added', requests: { old: 0, new: now.requests }, ...compareFields(NO_FIELDS, now.fields), grew: true });
      continue;
    }
    const before = oldKinds.get(previousKind)!;
    const fields = compareFields(before.fields, now.fields);
    const same = fields.added.length === 0 && fields.removed.length === 0 && fields.changed.length === 0 && previousKind === kind;
    kinds.push({
      kind,
      ...(previousKind !== kind ? { previousKind } : {}),
      status: same ? 'unchanged' : 'changed',
      requests: { old: before.requests, new: now.requests },
      ...fields,
    });
  }
  for (const kind of onlyOld.filter((k) => !pairedOld.has(k)).sort(byCodeUnit)) {
    const before = oldKinds.get(kind)!;
    kinds.push({ kind, status: 'removed', requests: { old: before.requests, new: 0 }, ...compareFields(before.fields, NO_FIELDS) });
  }

  const byRule = (a: FindingDigest, b: FindingDigest) => byCodeUnit(a.rule, b.rule) || byCodeUnit(a.kind ?? '', b.kind ?? '') || byCodeUnit(a.location, b.location);
  const newFindings = [...next.findings.values()].filter((f) => !old.findings.has(f.fingerprint)).sort(byRule);
  const resolvedFindings = [...old.findings.values()].filter((f) => !next.findings.has(f.fingerprint)).sort(byRule);
  const grew = newFindings.some((f) => f.severity === 'error') || kinds.some((k) => k.grew);
  const changed = grew || newFindings.length > 0 || resolvedFindings.length > 0 || kinds.some((k) => k.status !== 'unchanged');
  return { kinds, newFindings, resolvedFindings, grew, changed };
}
