/**
 * Read a user's JSON or YAML file (a policy, an opt-out pack) into plain data, keeping enough of
 * the source to point at any place in it: a problem found later, by the schema or by the
 * compiler, is reported as `file:line:col`, which editors and terminals turn into a link.
 */
import { createRequire } from 'node:module';
import type { Document, LineCounter, Node as YamlNode } from 'yaml';

// The YAML parser is loaded the first time a file is read, not at start-up: an audit against a
// built-in policy never needs it.
type YamlModule = typeof import('yaml');
let yamlModule: YamlModule | undefined;
function yaml(): YamlModule {
  return (yamlModule ??= createRequire(import.meta.url)('yaml') as YamlModule);
}
import { parseJson } from '../json/json-parse.js';

export interface SourcePosition {
  line: number;
  col: number;
}

export interface ConfigDocument {
  data: unknown;
  format: 'json' | 'yaml';
  /**
   * Position of the value at `path`; with `key`, of the key naming it. Falls back to the
   * deepest part of the path that exists (a missing key points at the object that lacks it).
   */
  locate(path: ReadonlyArray<PropertyKey>, opts?: { key?: boolean }): SourcePosition | null;
}

/** A syntax error: the file cannot be read as JSON or YAML at all. */
export class ConfigSyntaxError extends Error {
  constructor(
    readonly format: 'json' | 'yaml',
    readonly problems: Array<{ message: string; position: SourcePosition | null }>,
  ) {
    super(problems.map((p) => p.message).join('; '));
    this.name = 'ConfigSyntaxError';
  }
}

export function looksLikeJson(text: string, file: string): boolean {
  if (/\.json$/i.test(file)) return true;
  if (/\.ya?ml$/i.test(file)) return false;
  return /^\s*[{[]/.test(text);
}

export function parseConfigDocument(text: string, file: string): ConfigDocument {
  return looksLikeJson(text, file) ? parseJsonDocument(text) : parseYamlDocument(text);
}

function parseYamlDocument(text: string): ConfigDocument {
  const lineCounter = new (yaml().LineCounter)();
  // uniqueKeys: a repeated key would silently drop one of two values the user wrote. Merge keys
  // (`<<: *common`) let kinds share their common fields, as policies for real tools need.
  const doc = yaml().parseDocument(text, { uniqueKeys: true, merge: true, lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigSyntaxError(
      'yaml',
      doc.errors.slice(0, 5).map((e) => ({ message: e.message.split('\n')[0]!, position: positionOf(lineCounter, e.pos[0]) })),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new ConfigSyntaxError('yaml', [{ message: (err as Error).message, position: null }]);
  }
  return { data, format: 'yaml', locate: (path, opts) => locateIn(doc, path, opts?.key === true, lineCounter) };
}

function parseJsonDocument(text: string): ConfigDocument {
  const parsed = parseJson(text);
  if (!parsed.ok) {
    throw new ConfigSyntaxError('json', [{ message: parsed.error, position: { line: parsed.position.line, col: parsed.position.column } }]);
  }
  if (parsed.duplicates.length > 0) {
    throw new ConfigSyntaxError(
      'json',
      parsed.duplicates.slice(0, 5).map((d) => ({
        message: `key "${d.key}" appears more than once in ${d.objectPath}`,
        position: { line: d.position.line, col: d.position.column },
      })),
    );
  }
  // JSON is YAML 1.2 flow syntax: the YAML parser gives the node positions the JSON parser lacks.
  // It runs only when a position is asked for (a problem to report): a valid file, or a
  // package.json without our key, never loads it (cold start).
  let positions: { doc: Document; lineCounter: LineCounter } | null | undefined;
  const located = () => {
    if (positions === undefined) {
      const lineCounter = new (yaml().LineCounter)();
      const doc = yaml().parseDocument(text, { lineCounter, uniqueKeys: false });
      positions = doc.errors.length === 0 ? { doc, lineCounter } : null;
    }
    return positions;
  };
  return {
    data: parsed.value,
    format: 'json',
    locate: (path, opts) => {
      const p = located();
      return p ? locateIn(p.doc, path, opts?.key === true, p.lineCounter) : null;
    },
  };
}

function positionOf(lineCounter: LineCounter, offset: number | undefined): SourcePosition | null {
  if (offset === undefined) return null;
  const { line, col } = lineCounter.linePos(offset);
  return { line, col };
}

/** The yaml library marks a merge key with a symbol (or leaves "<<" when merging is off). */
const isMergeKey = (v: unknown): boolean => v === '<<' || (typeof v === 'symbol' && v.description === '<<');

function locateIn(doc: Document, path: ReadonlyArray<PropertyKey>, wantKey: boolean, lineCounter: LineCounter): SourcePosition | null {
  const { isAlias, isMap, isPair, isScalar, isSeq } = yaml();
  const deref = (n: unknown): unknown => (isAlias(n) ? n.resolve(doc) : n);
  /** The pair for `key` in a map, looking through merge keys (`<<: *anchor`) as YAML does. */
  const pairIn = (map: unknown, key: string, depth = 0): { key: unknown; value: unknown } | undefined => {
    if (!isMap(map) || depth > 8) return undefined;
    const direct = map.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key);
    if (direct) return direct;
    for (const p of map.items) {
      if (!isPair(p) || !isScalar(p.key) || !isMergeKey(p.key.value)) continue;
      const sources = isSeq(p.value) ? p.value.items : [p.value];
      for (const src of sources) {
        const found = pairIn(deref(src), key, depth + 1);
        if (found) return found;
      }
    }
    return undefined;
  };
  let node: unknown = doc.contents;
  let keyNode: unknown = null;
  let lastFound: unknown = node;
  for (const seg of path) {
    keyNode = null;
    let next: unknown = undefined;
    node = deref(node);
    if (isMap(node)) {
      const pair = pairIn(node, String(seg));
      if (pair) {
        keyNode = pair.key;
        next = pair.value;
      }
    } else if (isSeq(node) && typeof seg === 'number') {
      next = node.items[seg];
    }
    if (next === undefined || next === null) {
      // The key exists but holds nothing (`key:` in YAML): point at the key.
      if (keyNode) lastFound = keyNode;
      break;
    }
    node = next;
    lastFound = wantKey && keyNode ? keyNode : next;
  }
  const range = (lastFound as YamlNode | null)?.range;
  return range ? positionOf(lineCounter, range[0]) : null;
}
