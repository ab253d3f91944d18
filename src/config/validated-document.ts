/**
 * Parse a JSON/YAML config file and validate it against its zod schema, turning every
 * problem into one ConfigError in the shared `file:line:col: path: problem` form. Policies
 * and opt-out packs both load through here, so their errors read the same.
 */
import type * as z from 'zod';
import { ConfigError } from '../cli/errors.js';
import { ConfigSyntaxError, parseConfigDocument, type ConfigDocument } from './config-document.js';
import { formatProblems, formatSyntaxError, invalidDocumentMessage, problemsFromZod, type ConfigProblem } from './config-problems.js';

/**
 * Top-level keys starting with "x-" are the user's own (YAML anchors for shared fields, notes),
 * as in OpenAPI and Compose files: dropped before validation, never part of the document.
 */
export function withoutExtensions(data: unknown): unknown {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return data;
  return Object.fromEntries(Object.entries(data).filter(([k]) => !k.startsWith('x-')));
}

export function parseValidatedDocument<T>(
  text: string,
  file: string,
  what: string,
  schema: z.ZodType<T>,
  knownKeys: () => ReadonlySet<string>,
  check: (value: T) => ConfigProblem[] = () => [],
): { value: T; doc: ConfigDocument } {
  let doc: ConfigDocument;
  try {
    doc = parseConfigDocument(text, file);
  } catch (err) {
    if (err instanceof ConfigSyntaxError) throw new ConfigError(formatSyntaxError(file, err));
    throw err;
  }
  const result = schema.safeParse(withoutExtensions(doc.data));
  if (!result.success) {
    throw new ConfigError(invalidDocumentMessage(file, what, formatProblems(file, doc, problemsFromZod(result.error.issues, knownKeys()))));
  }
  const problems = check(result.data);
  if (problems.length > 0) throw new ConfigError(invalidDocumentMessage(file, what, formatProblems(file, doc, problems)));
  return { value: result.data, doc };
}
