/**
 * URLs carry secrets as often as bodies do: `user:password@`, query values (`?token=…`) and
 * token-like path segments (`/hooks/T0123/B0456/XXXXXXXX…`). Reports redact them as they
 * redact evidence, keeping what a reviewer needs (scheme, host, path shape, parameter names).
 */
import { redact } from './finding.js';

/**
 * A path segment that looks like a credential or an id rather than a route name: long, and
 * either mixing letters and digits or all hex/base64url without vowels' rhythm. Routes such as
 * `v1`, `graphql`, `telemetry` or `2024-01-01` stay readable.
 */
function isTokenLike(segment: string): boolean {
  let s: string;
  try {
    s = decodeURIComponent(segment);
  } catch {
    s = segment;
  }
  if (s.length < 16) return false;
  if (/^[a-z]+(?:[-_.][a-z]+)*$/i.test(s)) return false; // words joined by - _ .
  const hasDigit = /\d/.test(s);
  const hasLetter = /[a-z]/i.test(s);
  return (hasDigit && hasLetter) || /^[0-9a-f]{16,}$/i.test(s) || /^[A-Za-z0-9_-]{24,}={0,2}$/.test(s);
}

/** A URL path with its token-like segments redacted (for messages, which are always shown). */
export function redactPath(pathPart: string): string {
  return pathPart
    .split('/')
    .map((seg) => (isTokenLike(seg) ? redact(seg) : seg))
    .join('/');
}

/** The URL as a report may show it; unchanged when evidence is revealed. */
export function redactUrl(url: string, reveal: boolean): string {
  if (reveal) return url;
  // A capture sends to a handful of URLs over and over: each is redacted once.
  if (url.length > 512) return redactUrlOnce(url);
  let out = redactedUrls.get(url);
  if (out === undefined) {
    out = redactUrlOnce(url);
    if (redactedUrls.size >= REDACTED_URLS_MAX) redactedUrls.clear();
    redactedUrls.set(url, out);
  }
  return out;
}

const redactedUrls = new Map<string, string>();
const REDACTED_URLS_MAX = 1000;

function redactUrlOnce(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/i.exec(url);
  if (!m) return url;
  const [, scheme, authority = '', pathPart = '', query, fragment] = m;
  const at = authority.lastIndexOf('@');
  const host = at === -1 ? authority : `${redact(authority.slice(0, at))}@${authority.slice(at + 1)}`;
  const pathOut = redactPath(pathPart);
  const queryOut =
    query === undefined
      ? ''
      : '?' +
        query
          .slice(1)
          .split('&')
          .map((pair) => {
            const eq = pair.indexOf('=');
            if (eq === -1) return pair.length > 0 && isTokenLike(pair) ? redact(pair) : pair;
            const value = pair.slice(eq + 1);
            return value === '' ? pair : `${pair.slice(0, eq)}=${redact(value)}`;
          })
          .join('&');
  const fragmentOut = fragment === undefined || fragment === '#' ? (fragment ?? '') : `#${redact(fragment.slice(1))}`;
  return `${scheme}${host}${pathOut}${queryOut}${fragmentOut}`;
}
