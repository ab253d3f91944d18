/**
 * Problems in a user's config file (policy, opt-out pack) as data, and their one text form:
 * `file:line:col: path.in.document: what is wrong`. Zod's issues are turned into problems a
 * person can act on: the closest alternative of a union rather than "invalid input", a
 * missing key named as missing, an unknown key with the known key it probably meant.
 */
import type * as z from 'zod';
import type { ConfigDocument } from './config-document.js';
import { ConfigSyntaxError } from './config-document.js';

export interface ConfigProblem {
  path: ReadonlyArray<PropertyKey>;
  message: string;
  /** Point at the key naming the value rather than at the value (unknown keys). */
  atKey?: boolean;
}

export function formatDocPath(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((p, i) => {
      if (typeof p === 'number') return `[${p}]`;
      const s = String(p);
      return /^[A-Za-z_$][\w$-]*$/.test(s) ? `${i === 0 ? '' : '.'}${s}` : `[${JSON.stringify(s)}]`;
    })
    .join('');
}

/** Zod issues → problems, unions resolved to their closest alternative. */
export function problemsFromZod(issues: readonly z.core.$ZodIssue[], knownKeys: ReadonlySet<string> = new Set()): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const issue of issues) {
    const path = issue.path as PropertyKey[];
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          const hint = closest(key, knownKeys);
          out.push({ path: [...path, key], message: `unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}`, atKey: true });
        }
        break;
      case 'invalid_union': {
        const { note, discriminator, options } = issue as { note?: string; discriminator?: string; options?: unknown[] };
        if (note === 'No matching discriminator' && discriminator) {
          const at = path[path.length - 1] === discriminator ? path : [...path, discriminator];
          const allowed = options?.length ? `: ${options.map((o) => String(o)).join(', ')}` : '';
          out.push({ path: at, message: `"${discriminator}" is missing or not one of the allowed values${allowed}` });
          break;
        }
        const best = bestAlternative(issue.errors);
        if (best) out.push(...problemsFromZod(best.map((i) => ({ ...i, path: [...path, ...i.path] })), knownKeys));
        else out.push({ path, message: issue.message });
        break;
      }
      case 'invalid_type':
        if (isMissing(issue)) {
          const key = path[path.length - 1];
          out.push({ path: path.slice(0, -1), message: `missing required key "${String(key)}" (${issue.expected})` });
        } else {
          out.push({ path, message: issue.message.replace(/^Invalid input: /, '') });
        }
        break;
      case 'invalid_key': {
        // A record key that fails its own schema: say why, at the key.
        const why = issue.issues.map((i) => i.message).join('; ');
        out.push({ path, message: `invalid key "${String(path[path.length - 1])}": ${why}`, atKey: true });
        break;
      }
      default:
        out.push({ path, message: issue.message.replace(/^Invalid input: /, '') });
    }
  }
  return out;
}

/** The union alternative the user most likely meant: the fewest unknown keys, then the fewest problems. */
function bestAlternative(alternatives: ReadonlyArray<readonly z.core.$ZodIssue[]>): readonly z.core.$ZodIssue[] | undefined {
  const score = (issues: readonly z.core.$ZodIssue[]): [number, number] => [
    issues.reduce((n, i) => n + (i.code === 'unrecognized_keys' ? i.keys.length : 0) + (isMissing(i) ? 1 : 0), 0),
    issues.length,
  ];
  return [...alternatives]
    .filter((a) => a.length > 0)
    .sort((a, b) => {
      const [ua, na] = score(a);
      const [ub, nb] = score(b);
      return ua - ub || na - nb;
    })[0];
}

/** A required value that is not there (directly, or for every alternative of a union). */
function isMissing(issue: z.core.$ZodIssue): boolean {
  if (issue.code === 'invalid_type') return /received undefined$/.test(issue.message);
  if (issue.code === 'invalid_union') return issue.errors.length > 0 && issue.errors.every((alt) => alt.some((i) => i.path.length === 0 && isMissing(i)));
  return false;
}

/** The known name closest to `key` by edit distance, when one is close enough to be a typo of it. */
export function closest(key: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.min(3, Math.floor(key.length / 2) + 1);
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  // Optimal string alignment: a swapped pair of letters ("paht") is one edit, as people make it.
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** Every property name a JSON Schema mentions: the candidates for "did you mean". */
export function jsonSchemaKeys(schema: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) {
    for (const s of schema) jsonSchemaKeys(s, out);
  } else if (typeof schema === 'object' && schema !== null) {
    for (const [k, v] of Object.entries(schema)) {
      if (k === 'properties' && typeof v === 'object' && v !== null) for (const p of Object.keys(v)) out.add(p);
      jsonSchemaKeys(v, out);
    }
  }
  return out;
}

/** One line per problem, each starting `file:line:col:` when the place can be found. */
export function formatProblems(file: string, doc: ConfigDocument | null, problems: readonly ConfigProblem[]): string[] {
  const located = problems.map((p) => ({ p, pos: doc?.locate(p.path, { key: p.atKey === true }) ?? null }));
  // In file order, as an editor lists them; problems with no place keep their order, last.
  const rank = (x: (typeof located)[number]) => (x.pos ? x.pos.line * 1e6 + x.pos.col : Number.MAX_SAFE_INTEGER);
  return located
    .map((x, i) => ({ ...x, i }))
    .sort((a, b) => rank(a) - rank(b) || a.i - b.i)
    .map(({ p, pos }) => `${file}${pos ? `:${pos.line}:${pos.col}` : ''}: ${formatDocPath(p.path)}: ${p.message}`);
}

/** The message of a syntax error, one line per problem. */
export function formatSyntaxError(file: string, err: ConfigSyntaxError): string {
  const what = err.format === 'json' ? 'JSON' : 'YAML';
  return err.problems.map((p) => `${file}${p.position ? `:${p.position.line}:${p.position.col}` : ''}: invalid ${what}: ${p.message}`).join('\n');
}

/** The whole error text for an invalid document: a header line, then one indented line per problem. */
export function invalidDocumentMessage(file: string, what: string, lines: readonly string[]): string {
  const shown = lines.slice(0, 20);
  const more = lines.length > shown.length ? [`  … and ${lines.length - shown.length} more`] : [];
  return [`${file}: invalid ${what} (${lines.length} problem${lines.length === 1 ? '' : 's'}):`, ...shown.map((l) => `  ${l}`), ...more].join('\n');
}
