/** A request URL, or null when there is none or it does not parse (the caller reports which). */
export function parseUrl(raw: string | null): URL | null {
  if (raw === null) return null;
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}
