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

export class AhoCorasick {
  /** Transitions of the root, dense over UTF-16 code units: the state most text passes through. */
  private readonly root: Int32Array;
  private readonly edgeStart: Int32Array;
  private readonly edgeChar: Uint16Array;
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
    // Build the trie with per-state maps, then freeze it into flat typed arrays.
    const children: Array<Map<number, number>> = [new Map()];
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
        const c = fold(p.text.charCodeAt(i));
        let next = children[s]!.get(c);
        if (next === undefined) {
          next = children.length;
          children.push(new Map());
          ends.push([]);
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
    this.edgeChar = new Uint16Array(edges);
    this.edgeTarget = new Int32Array(edges);
    let e = 0;
    for (let s = 0; s < n; s++) {
      this.edgeStart[s] = e;
      for (const [c, t] of [...children[s]!].sort((a, b) => a[0] - b[0])) {
        this.edgeChar[e] = c;
        this.edgeTarget[e] = t;
        e++;
      }
    }
    this.edgeStart[n] = e;

    this.root = new Int32Array(65536);
    for (const [c, t] of children[0]!) this.root[c] = t;

    // Failure links, breadth first: a state's failure is the longest proper suffix in the trie.
    this.fail = new Int32Array(n);
    this.dictLink = new Int32Array(n);
    this.report = new Int32Array(n);
    const queue = new Int32Array(n);
    let head = 0;
    let tail = 0;
    for (const t of children[0]!.values()) queue[tail++] = t;
    while (head < tail) {
      const s = queue[head++]!;
      for (const [c, t] of children[s]!) {
        let f = this.fail[s]!;
        let target = -1;
        for (;;) {
          target = f === 0 ? this.root[c]! : this.step(f, c);
          if (target >= 0 || f === 0) break;
          f = this.fail[f]!;
        }
        this.fail[t] = target > 0 && target !== t ? target : 0;
        queue[tail++] = t;
      }
      const f = this.fail[s]!;
      this.dictLink[s] = ends[f]!.length > 0 ? f : this.dictLink[f]!;
      this.report[s] = ends[s]!.length > 0 ? s : this.dictLink[s]!;
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

  private step(s: number, c: number): number {
    const end = this.edgeStart[s + 1]!;
    for (let e = this.edgeStart[s]!; e < end; e++) {
      const ec = this.edgeChar[e]!;
      if (ec === c) return this.edgeTarget[e]!;
      if (ec > c) return -1;
    }
    return -1;
  }

  /** Call onMatch(pattern, start) for every occurrence, in order of where it ends. */
  search(text: string, onMatch: (pattern: number, start: number) => void): void {
    const { root, fail, report } = this;
    let s = 0;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = fold(text.charCodeAt(i));
      for (;;) {
        if (s === 0) {
          s = root[c]!;
          break;
        }
        const t = this.step(s, c);
        if (t >= 0) {
          s = t;
          break;
        }
        s = fail[s]!;
      }
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
