import type { Detector, DetectorHit } from './detector.js';
import { regexHits } from './detector.js';

// Bounded quantifiers and a look-behind that only lets a match start where a run starts keep
// both expressions linear: a failed attempt never rescans the run it started in.
const IPV4 = /(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?!\w|\.\d)/g;
// Pre-tests that fail fast on most text: a dotted quad of digits, two colons close together.
const V4_HINT = /\d\.\d{1,3}\.\d{1,3}\.\d/;
const V6_HINT = /:[0-9A-Fa-f]{0,4}:/;
const IPV6_CANDIDATE = /(?<![\w:.])[0-9A-Fa-f:]{2,39}(?:\d{1,3}(?:\.\d{1,3}){3})?(?![\w:.])/g;

function octets(s: string): number[] | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    // Leading zeros mean octal to some parsers and a version string to most readers: not an address.
    if (p.length > 1 && p.startsWith('0')) return null;
    const n = Number(p);
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

/**
 * An IPv4 address that says something about a machine or network. Loopback, the unspecified
 * address and addresses ending in .0 or .255 are left out: the last catches version strings such
 * as "Chrome/124.0.0.0" in a User-Agent, which are not addresses.
 */
export function isReportableIpv4(s: string): boolean {
  const o = octets(s);
  if (!o) return false;
  if (o[0] === 127 || o[0] === 0) return false;
  if (o[3] === 0 || o[3] === 255) return false;
  return true;
}

/** Parse an IPv6 literal into its eight 16-bit groups, or null when it is not one. */
export function parseIpv6(s: string): number[] | null {
  let text = s;
  let tail: number[] | null = null;
  if (text.includes('.')) {
    // An embedded IPv4 tail ("::ffff:10.1.2.3") stands for the last two groups.
    const lastColon = text.lastIndexOf(':');
    const o = octets(text.slice(lastColon + 1));
    if (!o) return null;
    tail = [(o[0]! << 8) | o[1]!, (o[2]! << 8) | o[3]!];
    text = text.slice(0, lastColon + 1) + '0:0';
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const group = (h: string): number[] | null => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = group(halves[0]!);
  const rest = halves.length === 2 ? group(halves[1]!) : [];
  if (!head || !rest) return null;
  const known = head.length + rest.length;
  let groups: number[];
  if (halves.length === 1) {
    if (known !== 8) return null;
    groups = head;
  } else {
    if (known > 7) return null;
    groups = [...head, ...new Array<number>(8 - known).fill(0), ...rest];
  }
  if (tail) groups.splice(6, 2, ...tail);
  return groups;
}

export function isReportableIpv6(s: string): boolean {
  const g = parseIpv6(s);
  if (!g) return false;
  // "::" and "::1" identify nobody; a literal with fewer than three written groups ("ab::cd")
  // is more often code ("std::map" aside) than an address.
  const written = s.split(/:+/).filter((x) => x !== '').length;
  if (written < 3 && !s.includes('.')) return false;
  if (g.every((x) => x === 0)) return false;
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return false;
  // ::ffff:127.x.y.z is loopback too.
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff && g[6]! >> 8 === 127) return false;
  return true;
}

export const ipAddressDetector: Detector = {
  id: 'identity/ip-address',
  severity: 'error',
  title: 'IP address',
  description: 'An IPv4 or IPv6 address (not loopback) locates a machine or network; internal addresses map the user\'s infrastructure.',
  literalHitsShowInWhole: true,
  detect(text) {
    const v4 = V4_HINT.test(text) ? regexHits(IPV4, text, (m) => isReportableIpv4(m[0]) && m[0]) : [];
    if (!V6_HINT.test(text)) return v4;
    const v6 = regexHits(IPV6_CANDIDATE, text, (m) => (m[0].includes(':') && isReportableIpv6(m[0]) ? m[0] : false));
    if (v6.length === 0) return v4;
    // The IPv4 tail of "::ffff:10.1.2.3" is the same address, reported once.
    // Both lists are in text order, so one walk along v6 serves every v4 hit (linear, not v4 x v6).
    let k = 0;
    const inside = (h: DetectorHit) => {
      while (k < v6.length && v6[k]!.index + v6[k]!.value.length <= h.index) k++;
      return k < v6.length && h.index >= v6[k]!.index;
    };
    const hits: DetectorHit[] = v4.filter((h) => !inside(h));
    for (const h of v6) hits.push({ ...h, message: 'IPv6 address found' });
    return hits.sort((a, b) => a.index - b.index);
  },
};
