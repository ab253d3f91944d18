/**
 * What the engine reads of a request URL, parsed once per distinct URL: telemetry goes to the
 * same few endpoints, and parsing each request's URL again (and reading its parts, each a new
 * string) was work and garbage on every request. The facts are frozen: every request shares them.
 */
import { isLoopbackHost } from './loopback.js';
import { parseUrl } from './parse-url.js';

export interface UrlFacts {
  readonly host: string;
  readonly hostname: string;
  readonly port: string;
  readonly protocol: string;
  readonly pathname: string;
  readonly search: string;
  /** The host is a loopback address: traffic to it does not leave the machine. */
  readonly loopback: boolean;
}

const facts = new Map<string, UrlFacts | null>();
const FACTS_MAX = 1_000;
/** Longer URLs (a query carrying a payload) are parsed every time rather than kept. */
const CACHEABLE_URL = 2_048;

/** The URL's facts, or null when there is none or it does not parse (the caller reports which). */
export function urlFacts(raw: string | null): UrlFacts | null {
  if (raw === null) return null;
  const known = facts.get(raw);
  if (known !== undefined) return known;
  const url = parseUrl(raw);
  const parsed = url && Object.freeze({
    host: url.host,
    hostname: url.hostname,
    port: url.port,
    protocol: url.protocol,
    pathname: url.pathname,
    search: url.search,
    loopback: isLoopbackHost(url.hostname),
  });
  if (raw.length <= CACHEABLE_URL) {
    if (facts.size >= FACTS_MAX) facts.clear();
    facts.set(raw, parsed);
  }
  return parsed;
}
