/**
 * Ink draws a frame in two steps: it lays out the tree and records each text's lines as writes
 * at (x, y), then `Output.get()` turns every cell of the whole terminal into a styled-cell
 * object (one per character, fresh each frame) and every row back into a string with the ANSI
 * codes between cells. That second step is most of what a keypress costs, whatever it changed:
 * a key that edits the footer rebuilds all 39 rows of a 120x40 terminal, and the garbage it
 * makes is most of the inspector's garbage collection.
 *
 * A row of the output depends only on the writes that land on it (their x and their text after
 * Ink's transformers), in order. So this keeps, across frames, each row's string keyed by
 * exactly that, and builds only rows whose writes changed, cell by cell as Ink does, with
 * Ink's own tokenizer and ANSI difference, minus the per-cell garbage. Frames with clipping
 * (`overflow: hidden`, unused by the inspector) are drawn by Ink's `get()`, as before.
 *
 * Ink does not export its Output class; ink-internals.ts loads its module (from next to Ink's
 * entry point, or in the shipped bundle, the bundled copy). Before patching,
 * the install checks the class has the shape this relies on and that the patched `get()` gives
 * the same frames as Ink's on a set of writes that covers what it relies on (colours, wide
 * characters, overlapping writes, writes off the grid, transformers). If not, nothing is patched
 * and Ink draws as it always did; test/tui/output-cache.test.tsx fails in that case, so an Ink
 * upgrade that changes these internals is caught by the tests, not by a slow inspector.
 */
import { inkOutputModule, inkTokenizerModule } from './ink-internals.js';

const MAX_LINES = 8192;
const MAX_ROWS = 4096;
/** Lines kept tokenised: a few frames' worth (a line is ~120 cell objects). */
const MAX_STYLED_LINES = 1024;

type Transformer = (line: string, index: number) => string;

type Operation =
  | { type: 'write'; x: number; y: number; text: string; transformers: Transformer[] }
  | { type: 'clip'; clip: unknown }
  | { type: 'unclip' };

interface OutputCachesLike {
  getStyledChars(line: string): unknown;
  getStringWidth(text: string): number;
}

export interface OutputLike {
  width: number;
  height: number;
  operations: Operation[];
  caches?: OutputCachesLike;
  write(x: number, y: number, text: string, options: { transformers: Transformer[] }): void;
  get(): { output: string; height: number };
}

export type OutputClass = new (o: { width: number; height: number }) => OutputLike;

let installed: Promise<boolean> | undefined;
/** Ink's own get(), kept when the patch is installed (the tests compare against it). */
let inkGet: OutputLike['get'] | undefined;

export function originalGet(): OutputLike['get'] | undefined {
  return inkGet;
}

/** Ink's Output class, as Ink itself uses it (the same module instance), or undefined. */
export async function inkOutputClass(): Promise<OutputClass | undefined> {
  try {
    const mod = (await inkOutputModule()) as { default?: OutputClass };
    return typeof mod.default === 'function' ? mod.default : undefined;
  } catch {
    return undefined;
  }
}

export function installOutputCache(): Promise<boolean> {
  installed ??= (async () => {
    const Output = await inkOutputClass();
    if (!Output || !hasExpectedShape(Output)) return false;
    const codes = await inkAnsiCodes();
    if (!codes) return false;
    const original = Output.prototype.get;
    const rowCached = rowCachedGet(original, codes);
    if (!drawsAlike(Output, original, rowCached)) return false;
    // Widths of single characters, asked for every cell of every row that is built.
    const proto = Object.getPrototypeOf(new Output({ width: 0, height: 0 }).caches) as OutputCachesLike;
    proto.getStringWidth = keep(proto.getStringWidth, MAX_LINES);
    // Ink tokenises each line anew in every frame; a row whose other writes changed (the detail
    // beside an unchanged list row) is rebuilt from the same lines. Ink reads the cells, never
    // changes them, so one tokenised line serves every frame that draws it.
    proto.getStyledChars = keep(proto.getStyledChars, MAX_STYLED_LINES);
    inkGet = original;
    Output.prototype.get = rowCached;
    return true;
  })();
  return installed;
}

function hasExpectedShape(Output: OutputClass): boolean {
  try {
    const probe = new Output({ width: 2, height: 1 });
    const caches = probe.caches;
    if (!caches || typeof probe.get !== 'function' || typeof probe.write !== 'function') return false;
    const proto = Object.getPrototypeOf(caches) as Partial<OutputCachesLike>;
    if (typeof proto.getStyledChars !== 'function' || typeof proto.getStringWidth !== 'function') return false;
    // Writes are recorded as operations, read only by get().
    probe.write(0, 0, 'ab', { transformers: [] });
    const op = probe.operations?.[0];
    return Array.isArray(probe.operations) && probe.operations.length === 1 && op?.type === 'write' && op.x === 0 && op.y === 0 && op.text === 'ab' && probe.width === 2 && probe.height === 1;
  } catch {
    return false;
  }
}

/**
 * Frames that exercise every assumption of the row cache, drawn with Ink's get() and the
 * patched one: they must be identical, or the patch is not installed.
 */
export function sampleFrames(): Array<{ width: number; height: number; writes: Array<[number, number, string, Transformer[]]> }> {
  const red = (s: string) => `\u001b[31m${s}\u001b[39m`;
  const bold = (s: string) => `\u001b[1m${s}\u001b[22m`;
  const dim = (s: string) => `\u001b[2m${s}\u001b[22m`;
  const inverse: Transformer = (line) => `\u001b[7m${line}\u001b[27m`;
  const numbered: Transformer = (line, i) => `${i}:${line}`;
  const broken: Transformer = (line) => `${line}\n!`;
  return [
    { width: 12, height: 4, writes: [[0, 0, `ab ${red('cd')} e`, []], [2, 1, `${bold('x')}\n${red('yy')}`, [inverse]], [0, 3, 'tail   ', []]] },
    // Overlapping writes, the later one wins cell by cell; a wide character; off the grid.
    { width: 10, height: 3, writes: [[0, 0, 'aaaaaaaaaa', []], [3, 0, red('漢字b'), []], [8, 1, 'overflowing', []], [0, -1, 'above\nabove', []], [0, 2, 'x\ny\nz', [numbered]]] },
    // Bold and dim together (they share an end code), a colour left open at the row's end,
    // the same colour across two writes, a transformer that adds a line break.
    { width: 8, height: 3, writes: [[0, 0, bold(dim('bd')) + dim('d'), []], [4, 0, '\u001b[32mopen', []], [0, 1, red('ab'), []], [2, 1, red('cd'), []], [0, 2, 'q', [broken]]] },
    { width: 6, height: 2, writes: [[1, 0, `${red('r')}${bold('b')}`, [inverse]], [0, 1, '', []], [7, 1, 'beyond', []]] },
  ];
}

function drawsAlike(Output: OutputClass, original: OutputLike['get'], patched: OutputLike['get']): boolean {
  try {
    for (const frame of sampleFrames()) {
      const draw = (get: OutputLike['get']) => {
        const out = new Output({ width: frame.width, height: frame.height });
        for (const [x, y, text, transformers] of frame.writes) out.write(x, y, text, { transformers });
        return JSON.stringify(get.call(out));
      };
      // Twice with the patch: the second frame comes from the row cache.
      const expected = draw(original);
      if (draw(patched) !== expected || draw(patched) !== expected) return false;
    }
    return true;
  } catch {
    return false;
  }
}

interface Placement {
  x: number;
  line: string;
}

interface AnsiCode {
  code: string;
  endCode: string;
}

interface StyledChar {
  type: 'char';
  value: string;
  fullWidth: boolean;
  styles: AnsiCode[];
}

/** The two functions of Ink's own ANSI tokenizer that turn a row of styled cells into text. */
export interface AnsiCodes {
  diffAnsiCodes(from: AnsiCode[], to: AnsiCode[]): AnsiCode[];
  ansiCodesToString(codes: AnsiCode[]): string;
}

/** The two functions of the ANSI tokenizer Ink draws with, or undefined. */
export async function inkAnsiCodes(): Promise<AnsiCodes | undefined> {
  try {
    const mod = (await inkTokenizerModule()) as Partial<AnsiCodes>;
    if (typeof mod.diffAnsiCodes !== 'function' || typeof mod.ansiCodesToString !== 'function') return undefined;
    return { diffAnsiCodes: mod.diffAnsiCodes, ansiCodesToString: mod.ansiCodesToString };
  } catch {
    return undefined;
  }
}

/** Same codes in the same order: Ink's diff between them is empty, nothing needs computing. */
function sameStyles(a: AnsiCode[], b: AnsiCode[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.code !== b[i]!.code || a[i]!.endCode !== b[i]!.endCode) return false;
  return true;
}

const BLANK: StyledChar = { type: 'char', value: ' ', fullWidth: false, styles: [] };

/**
 * One row as Ink's get() builds it (the same cells placed the same way, then Ink's
 * styledCharsToString and trimEnd), without a fresh object per blank cell and without asking
 * for the ANSI difference between two cells of the same style, which is always empty: that
 * per-cell difference (three Sets per cell) was most of what a frame allocated.
 */
function buildRow(out: OutputLike, writes: Placement[], codes: AnsiCodes): string {
  const caches = out.caches!;
  const cells: Array<StyledChar | undefined> = new Array<StyledChar>(out.width).fill(BLANK);
  for (const w of writes) {
    let offsetX = w.x;
    for (const character of caches.getStyledChars(w.line) as StyledChar[]) {
      cells[offsetX] = character;
      const characterWidth = Math.max(1, caches.getStringWidth(character.value));
      for (let i = 1; i < characterWidth; i++) cells[offsetX + i] = { type: 'char', value: '', fullWidth: false, styles: character.styles };
      offsetX += characterWidth;
    }
  }
  // Writes past the end leave holes, which Ink drops.
  const chars = cells.filter((c): c is StyledChar => c !== undefined);
  let text = '';
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i]!;
    if (i === 0) text += codes.ansiCodesToString(char.styles);
    else {
      const previous = chars[i - 1]!.styles;
      if (!sameStyles(previous, char.styles)) text += codes.ansiCodesToString(codes.diffAnsiCodes(previous, char.styles));
    }
    text += char.value;
    if (i === chars.length - 1 && char.styles.length > 0) text += codes.ansiCodesToString(codes.diffAnsiCodes(char.styles, []));
  }
  return text.trimEnd();
}

/**
 * Ink's get() with each row looked up by its writes before it is built. The operations are
 * walked as Ink walks them (the same transformers on the same lines, the same rows skipped),
 * but each transformed line is recorded against its row instead of being drawn.
 */
export function rowCachedGet(original: OutputLike['get'], codes: AnsiCodes): OutputLike['get'] {
  let rows = new Map<string, string>();
  return function get(this: OutputLike) {
    const { width, height } = this;
    const placed: Placement[][] = Array.from({ length: height }, () => []);
    for (const op of this.operations) {
      if (op.type !== 'write') return original.call(this);
      const { x, y, text, transformers } = op;
      const lines = text.split('\n');
      let offsetY = 0;
      for (let index = 0; index < lines.length; index++) {
        const row = placed[y + offsetY];
        // Ink leaves a line off when its row is missing and keeps the next lines on that same
        // missing row, so nothing more of this write is drawn.
        if (!row) break;
        let line = lines[index]!;
        for (const transformer of transformers) line = transformer(line, index);
        row.push({ x, line });
        offsetY++;
      }
    }
    const out: string[] = [];
    for (const writes of placed) {
      if (writes.length === 0) {
        // A row nothing was written to is blank cells, trimmed away.
        out.push('');
        continue;
      }
      let key = `${width}`;
      for (const w of writes) key += `|${w.x}:${w.line.length}:${w.line}`;
      let text = rows.get(key);
      if (text === undefined) {
        text = buildRow(this, writes, codes);
        if (rows.size >= MAX_ROWS) rows = new Map();
        rows.set(key, text);
      }
      out.push(text);
    }
    return { output: out.join('\n'), height };
  };
}

function keep<R>(original: (this: OutputCachesLike, key: string) => R, max: number): (this: OutputCachesLike, key: string) => R {
  let kept = new Map<string, R>();
  return function (this: OutputCachesLike, key: string): R {
    let value = kept.get(key);
    if (value === undefined) {
      value = original.call(this, key);
      // Bounded: a long session sees many distinct lines; start over rather than grow.
      if (kept.size >= max) kept = new Map();
      kept.set(key, value);
    }
    return value;
  };
}
