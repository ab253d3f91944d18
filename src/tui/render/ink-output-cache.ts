/**
 * Ink turns every line of every frame into styled cells (an ANSI tokenizer, one object per
 * character) and caches the result only for the frame being drawn. In the inspector nearly
 * every line of a frame was on the previous one (a keypress changes two list rows, or the
 * detail pane), so that per-frame work dominates the cost of a key. This keeps Ink's own
 * per-line results across frames, bounded. The cells are only read after they are made, so
 * sharing them between frames changes nothing that is drawn.
 *
 * Ink does not export its Output class; it is found next to Ink's entry point. If Ink's
 * internals ever differ from what is expected here, nothing is patched and frames are simply
 * drawn as Ink draws them.
 */
const MAX_LINES = 8192;

interface OutputCachesLike {
  getStyledChars(line: string): unknown;
  getStringWidth(text: string): number;
}

let installed: Promise<boolean> | undefined;

export function installOutputCache(): Promise<boolean> {
  installed ??= (async () => {
    try {
      const url = new URL('./output.js', import.meta.resolve('ink'));
      const mod = (await import(url.href)) as { default?: new (o: { width: number; height: number }) => { caches?: OutputCachesLike } };
      const caches = mod.default ? new mod.default({ width: 0, height: 0 }).caches : undefined;
      const proto = caches ? (Object.getPrototypeOf(caches) as OutputCachesLike) : undefined;
      if (!proto || typeof proto.getStyledChars !== 'function' || typeof proto.getStringWidth !== 'function') return false;
      proto.getStyledChars = keep(proto.getStyledChars);
      proto.getStringWidth = keep(proto.getStringWidth);
      return true;
    } catch {
      return false;
    }
  })();
  return installed;
}

function keep<R>(original: (this: OutputCachesLike, key: string) => R): (this: OutputCachesLike, key: string) => R {
  let kept = new Map<string, R>();
  return function (this: OutputCachesLike, key: string): R {
    let value = kept.get(key);
    if (value === undefined) {
      value = original.call(this, key);
      // Bounded: a long session sees many distinct lines; start over rather than grow.
      if (kept.size >= MAX_LINES) kept = new Map();
      kept.set(key, value);
    }
    return value;
  };
}
