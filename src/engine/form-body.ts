/**
 * Telemetry that is not JSON: `application/x-www-form-urlencoded` bodies (GA4's measurement
 * protocol sends one form record per line) and URL query strings (Prisma's checkpoint client
 * sends everything in a GET). Both become plain objects of strings, so a policy describes them
 * field by field with the same specs as JSON. A repeated name becomes an array of its values:
 * a spec that expects one string then reports it, instead of one value hiding another.
 */
export type FormRecord = Record<string, string | string[]>;

/** Names and values of `text`, decoded as a form (`+` is a space). */
export function parseForm(text: string): FormRecord {
  const out: FormRecord = Object.create(null) as FormRecord;
  for (const [name, value] of new URLSearchParams(text)) {
    const prev = out[name];
    out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return { ...out };
}

/** One record per non-empty line (a batch). */
export function parseFormLines(text: string): FormRecord[] {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map(parseForm);
}

/** The query parameters of a URL as a record (empty when it has none). */
export function queryRecord(url: { readonly search: string }): FormRecord {
  return url.search === '' ? {} : parseForm(url.search.slice(1));
}
