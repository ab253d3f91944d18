/**
 * Per-field lists of request positions (kind, verdict, rule), kept while requests arrive, so a
 * kind:, verdict: or rule: filter is answered from a list instead of a pass over every request
 * (issue 15: applying a filter with 100,000 requests loaded within one frame). Terms the lists
 * cannot answer (free text, body:, negations) are then tested only on what the lists leave, or,
 * with no listed term, in one tight pass.
 *
 * The index also keeps what else is per position and never changes once a request is in:
 * the free-text haystack and the previous request of the same kind (for the Diff tab).
 *
 * The lists only grow, and a state reads only the positions below its own number of results,
 * so states share one index: appending a batch adds to the lists in place (not a copy of
 * everything per batch: with 100,000 requests loading, copying the per-position arrays into
 * each new state cost more than the rest of folding a batch). A state that is extended twice (a branch, as tests do) gets its own
 * index rebuilt from its results, so no state ever sees another's requests.
 */
import type { RequestResult, Verdict } from '../../engine/audit-request.js';
import { haystackOf, type FilterTerm, type IndexedTerm } from './filter.js';

export class FilterIndex {
  private readonly kinds = new Map<string, number[]>();
  private readonly unknownKind: number[] = [];
  private readonly verdicts = new Map<Verdict, number[]>();
  private readonly rules = new Map<string, number[]>();
  /** Per position: the lower-case text free-text terms search (haystackOf). */
  private readonly haystacks: string[] = [];
  /** Per position: the position of the previous result of the same kind, or -1. */
  private readonly previous: number[] = [];
  private readonly lastOfKind = new Map<string, number>();
  /** Positions 0 … absorbed-1 are in the lists. */
  private absorbed = 0;

  /** The index of every result in `results`, given an index that may hold those before `base`. */
  static extended(index: FilterIndex, results: readonly RequestResult[], base: number): FilterIndex {
    let out = index;
    if (index.absorbed !== base) {
      out = new FilterIndex();
      out.add(results, 0, base);
    }
    out.add(results, base, results.length);
    return out;
  }

  private add(results: readonly RequestResult[], from: number, to: number): void {
    for (let i = from; i < to; i++) {
      const r = results[i]!;
      this.haystacks.push(haystackOf(r));
      if (r.kind !== null) {
        push(this.kinds, r.kind, i);
        this.previous.push(this.lastOfKind.get(r.kind) ?? -1);
        this.lastOfKind.set(r.kind, i);
      } else {
        this.previous.push(-1);
        if (r.verdict !== 'skipped') this.unknownKind.push(i);
      }
      push(this.verdicts, r.verdict, i);
      for (const f of r.findings) {
        const list = this.rules.get(f.rule);
        // Positions arrive in order: a rule seen twice in one request is listed once.
        if (list === undefined) this.rules.set(f.rule, [i]);
        else if (list[list.length - 1] !== i) list.push(i);
      }
    }
    this.absorbed = to;
  }

  /** The free-text haystack of position i (below the state's number of results). */
  haystack(i: number): string {
    return this.haystacks[i]!;
  }

  /** The position of the previous result of position i's kind, or -1 (none, or no kind). */
  previousOf(i: number): number {
    return this.previous[i] ?? -1;
  }

  /** The failing positions below `n`, ascending: the violations-only view without a filter. */
  failing(n: number): number[] {
    const list = this.verdicts.get('fail') ?? [];
    return list.slice(0, below(list, n));
  }

  /** Positions below `n` that the term accepts, ascending. */
  candidates(term: IndexedTerm, n: number): number[] {
    const lists: number[][] = [];
    switch (term.field) {
      case 'kind':
        for (const [kind, list] of this.kinds) if (kind.startsWith(term.prefix)) lists.push(list);
        break;
      case 'unknown-kind':
        lists.push(this.unknownKind);
        break;
      case 'verdict':
        for (const v of term.verdicts) {
          const list = this.verdicts.get(v);
          if (list) lists.push(list);
        }
        break;
      case 'rule':
        for (const [rule, list] of this.rules) if (rule.includes(term.part)) lists.push(list);
        break;
    }
    return union(lists, n);
  }
}

function push<K>(map: Map<K, number[]>, key: K, i: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [i]);
  else list.push(i);
}

/** How many entries of an ascending list are below n: also the position of the first one >= n. */
export function below(list: readonly number[], n: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < n) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function union(lists: readonly number[][], n: number): number[] {
  if (lists.length === 0) return [];
  if (lists.length === 1) return lists[0]!.slice(0, below(lists[0]!, n));
  const marks = new Uint8Array(n);
  for (const list of lists) for (let j = 0, end = below(list, n); j < end; j++) marks[list[j]!] = 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (marks[i] === 1) out.push(i);
  return out;
}

/** Positions in both ascending lists. */
function intersect(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i]! < b[j]!) i++;
    else if (a[i]! > b[j]!) j++;
    else {
      out.push(a[i]!);
      i++;
      j++;
    }
  }
  return out;
}

/** The positions below `n` that pass every term, ascending: a new array, never changed after. */
export function filterPositions(terms: readonly FilterTerm[], results: readonly RequestResult[], index: FilterIndex, n: number): number[] {
  const listed = terms.filter((t) => t.indexed !== undefined);
  const excluded = terms.filter((t) => t.excluded !== undefined);
  const rest = terms.filter((t) => t.indexed === undefined && t.excluded === undefined);
  let view: number[] | null = null;
  if (listed.length > 0) {
    const lists = listed.map((t) => index.candidates(t.indexed!, n)).sort((a, b) => a.length - b.length);
    view = lists[0]!;
    for (const other of lists.slice(1)) view = intersect(view, other);
  }
  if (excluded.length > 0) {
    const out = new Uint8Array(n);
    for (const t of excluded) for (const i of index.candidates(t.excluded!, n)) out[i] = 1;
    const kept: number[] = [];
    if (view) {
      for (const i of view) if (out[i] === 0) kept.push(i);
    } else for (let i = 0; i < n; i++) if (out[i] === 0) kept.push(i);
    view = kept;
  }
  if (rest.length === 0) return view ?? Array.from({ length: n }, (_, i) => i);
  const texts = rest.map((t) => t.text);
  const out: number[] = [];
  if (texts.length === 1 && texts[0] !== undefined) {
    // The common case, one word typed: no predicate call per request.
    const text = texts[0];
    if (view) {
      for (const i of view) if (index.haystack(i).includes(text)) out.push(i);
    } else for (let i = 0; i < n; i++) if (index.haystack(i).includes(text)) out.push(i);
    return out;
  }
  const passes = (i: number) => rest.every((t) => t.test(results[i]!, index.haystack(i)));
  if (view) {
    for (const i of view) if (passes(i)) out.push(i);
  } else for (let i = 0; i < n; i++) if (passes(i)) out.push(i);
  return out;
}
