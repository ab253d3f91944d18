/** Helpers for the two kinds of path the engine uses: policy dot paths and report JSON paths. */
import { pathSegment } from '../json/json-parse.js';

/** A policy dot path (`data.event_type`) split once, since a matcher asks on every request; [] for `""`, the value itself. */
export function dotPathKeys(dotPath: string): readonly string[] {
  return dotPath === '' ? [] : dotPath.split('.');
}

/** The value at a dot path split by dotPathKeys, or undefined. */
export function getKeysPath(value: unknown, keys: readonly string[]): unknown {
  let cur: unknown = value;
  for (const key of keys) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    if (Array.isArray(cur)) {
      const idx = Number(key);
      if (!Number.isInteger(idx)) return undefined;
      cur = cur[idx];
    } else {
      if (!Object.prototype.hasOwnProperty.call(cur, key)) return undefined;
      cur = (cur as Record<string, unknown>)[key];
    }
  }
  return cur;
}

/** Path segments from zod (`['data', 'metrics', 0]`) → `$.data.metrics[0]`. */
export function toJsonPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '$';
  for (const key of path) out += pathSegment(typeof key === 'number' ? key : String(key));
  return out;
}
