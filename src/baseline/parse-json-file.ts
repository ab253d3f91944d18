/** Parse a JSON file's text and validate it; a failure says which kind of file it is not. */
import * as z from 'zod';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

export function parseJsonFile<T>(text: string, schema: z.ZodType<T>, what: string): ParseResult<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `not JSON: ${(err as Error).message}` };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, error: `not ${what}: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}` };
  return { ok: true, value: parsed.data };
}
