/**
 * A multi-pattern matcher (Aho-Corasick): one left-to-right pass over the text finds every
 * occurrence of every pattern, in time proportional to the text plus the matches, whatever the
 * number of patterns. ASCII letters are folded to lower case in the automaton; patterns that
 * must match exactly (base64) are verified on the text when their folded form matches.
 *
 * Long patterns enter the automaton by their first MAX_KEY characters and are verified in full
 * at a hit: 32 characters of a hash or an encoding are already specific, and the cap keeps the
 * automaton (and its memory) proportional to the number of patterns, not their length.
 */

export interface Pattern {
  text: string;
  exactCase: boolean;
}

export const MAX_KEY = 32;

const EMPTY = new Int32Array(0);

function fold(c: number): number {
  return c >= 65 && c <= 90 ? c | 32 : c;
}

/** States this close to the root get a full transition row (the text spends most time there). */
const DENSE_DEPTH = 3;
const DENSE_MAX_STATES = 40_000;

export class AhoCorasick {
  /** Character class of each (case-folded) UTF-16 code unit; 0 for one no pattern contains. */
  private readonly classOf: Uint16Array;
  private readonly classes: number;
  /** Row of each state in `dense`, or -1 for a deep state that uses its sparse edges and failure link. */
  private readonly denseRow: Int32Array;
  private readonly dense: Int32Array;
  private readonly edgeStart: Int32Array;
  private readonly edgeClass: Uint16Array;
  private readonly edgeTarget: Int32Array;
  private readonly fail: Int32Array;
  /** The state itself when patterns end there, else the nearest suffix state where some do (0: none). */
  private readonly report: Int32Array;
  private readonly dictLink: Int32Array;
  private readonly outStart: Int32Array;
  private readonly outPatterns: Int32Array;
  private readonly keyLength: Int32Array;
  private readonly verify: Uint8Array;
  readonly stateCount: number;

  constructor(private readonly patterns: readonly Pattern[]) {
    // Alphabet: only the characters patterns use get a class; any other character sends the
    // automaton straight back to the root.
    this.classOf = new Uint16Array(65536);
    let classes = 1;
    for (const p of patterns) {
      for (let i = 0; i < Math.min(p.text.length, MAX_KEY); i++) {
        const c = fold(p.text.charCodeAt(i));
        if (this.classOf[c] === 0) this.classOf[c] = classes++;
      }
    }
    for (let c = 65; c <= 90; c++) this.classOf[c] = this.classOf[c | 32]!;
    this.classes = classes;

    // The trie, with per-state maps while building.
    const children: Array<Map<number, number>> = [new Map()];
    const depth: number[] = [0];
    const ends: number[][] = [[]];
    this.keyLength = new Int32Array(patterns.length);
    this.verify = new Uint8Array(patterns.length);
    patterns.forEach((p, index) => {
      if (p.text.length === 0) throw new Error('empty pattern');
      const keyLen = Math.min(p.text.length, MAX_KEY);
      this.keyLength[index] = keyLen;
      this.verify[index] = p.exactCase || p.text.length > keyLen ? 1 : 0;
      let s = 0;
      for (let i = 0; i < keyLen; i++) {
        const c = this.classOf[fold(p.text.charCodeAt(i))]!;
        let next = children[s]!.get(c);
        if (next === undefined) {
          next = children.length;
          children.push(new Map());
          ends.push([]);
          depth.push(depth[s]! + 1);
          children[s]!.set(c, next);
        }
        s = next;
      }
      ends[s]!.push(index);
    });
    const n = children.length;
    this.stateCount = n;

    let edges = 0;
    for (const m of children) edges += m.size;
    this.edgeStart = new Int32Array(n + 1);
    this.edgeClass = new Uint16Array(edges);
    this.edgeTarget = new Int32Array(edges);
    let e = 0;
    for (let s = 0; s < n; s++) {
      this.edgeStart[s] = e;
      for (const [c, t] of [...children[s]!].sort((a, b) => a[0] - b[0])) {
        this.edgeClass[e] = c;
        this.edgeTarget[e] = t;
        e++;
      }
    }
    this.edgeStart[n] = e;

    // Breadth-first order: failure links (longest proper suffix in the trie) and, for shallow
    // states, full rows (a missing edge resolved through the failure link once, here).
    const order = new Int32Array(n);
    let tail = 0;
    order[tail++] = 0;
    for (let head = 0; head < tail; head++) for (const t of children[order[head]!]!.values()) order[tail++] = t;

    let denseDepth = DENSE_DEPTH;
    while (denseDepth > 0 && depth.filter((d) => d <= denseDepth).length > DENSE_MAX_STATES) denseDepth--;
    this.denseRow = new Int32Array(n).fill(-1);
    let rows = 0;
    for (let k = 0; k < n; k++) if (depth[order[k]!]! <= denseDepth) this.denseRow[order[k]!] = rows++;
    this.dense = new Int32Array(rows * classes);

    this.fail = new Int32Array(n);
    this.dictLink = new Int32Array(n);
    this.report = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      const s = order[k]!;
      if (s !== 0) {
        const f = this.fail[s]!;
        this.dictLink[s] = ends[f]!.length > 0 ? f : this.dictLink[f]!;
      }
      this.report[s] = ends[s]!.length > 0 ? s : this.dictLink[s]!;
      for (const [c, t] of children[s]!) this.fail[t] = s === 0 ? 0 : this.next(this.fail[s]!, c);
      const row = this.denseRow[s]!;
      if (row >= 0) {
        // Parents come first in breadth-first order, so the failure state's row is complete.
        const base = row * classes;
        const failBase = s === 0 ? -1 : this.denseRow[this.fail[s]!]! * classes;
        for (let c = 1; c < classes; c++) {
          const t = children[s]!.get(c);
          this.dense[base + c] = t !== undefined ? t : s === 0 ? 0 : this.dense[failBase + c]!;
        }
      }
    }

    this.outStart = new Int32Array(n + 1);
    let total = 0;
    for (let s = 0; s < n; s++) {
      this.outStart[s] = total;
      total += ends[s]!.length;
    }
    this.outStart[n] = total;
    this.outPatterns = total === 0 ? EMPTY : new Int32Array(total);
    let o = 0;
    for (let s = 0; s < n; s++) for (const p of ends[s]!) this.outPatterns[o++] = p;
  }

  /** The state after reading class c in state s (goto, falling back along failure links). */
  private next(s: number, c: number): number {
    for (;;) {
      const row = this.denseRow[s]!;
      if (row >= 0) return this.dense[row * this.classes + c]!;
      const t = this.step(s, c);
      if (t >= 0) return t;
      s = this.fail[s]!;
    }
  }

  private step(s: number, c: number): number {
    const end = this.edgeStart[s + 1]!;
    for (let e = this.edgeStart[s]!; e < end; e++) {
      const ec = this.edgeClass[e]!;
      if (ec === c) return this.edgeTarget[e]!;
      if (ec > c) return -1;
    }
    return -1;
  }

  /** Call onMatch(pattern, start) for every occurrence, in order of where it ends. */
  search(text: string, onMatch: (pattern: number, start: number) => void): void {
    const { classOf, dense, denseRow, report, classes } = this;
    let s = 0;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = classOf[text.charCodeAt(i)]!;
      if (c === 0) {
        s = 0;
        continue;
      }
      const row = denseRow[s]!;
      s = row >= 0 ? dense[row * classes + c]! : this.next(s, c);
      let r = report[s]!;
      while (r !== 0) {
        this.emit(r, text, i, onMatch);
        r = this.dictLink[r]!;
      }
    }
  }
  private emit(state: number, text: string, end: number, onMatch: (pattern: number, start: number) => void): void {
    const stop = this.outStart[state + 1]!;
    for (let o = this.outStart[state]!; o < stop; o++) {
      const p = this.outPatterns[o]!;
      const start = end - this.keyLength[p]! + 1;
      if (this.verify[p] && !this.matchesAt(this.patterns[p]!, text, start)) continue;
      onMatch(p, start);
    }
  }

  private matchesAt(p: Pattern, text: string, start: number): boolean {
    if (start + p.text.length > text.length) return false;
    if (p.exactCase) return text.startsWith(p.text, start);
    for (let i = MAX_KEY; i < p.text.length; i++) {
      if (fold(text.charCodeAt(start + i)) !== fold(p.text.charCodeAt(i))) return false;
    }
    return true;
  }
}
