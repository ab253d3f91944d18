import type { Detector } from './detector.js';
import { regexHits } from './detector.js';

// Six pairs joined by one separator used throughout, or Cisco's three dotted quads.
const MAC = /(?<![0-9A-Fa-f:.-])(?:[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})(?![0-9A-Fa-f:.-])/g;

const isHex = (c: number) => (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);

/** A cheap pre-test: a separator between hex pairs that recurs three characters on (or Cisco's dotted quads). */
function mayHoldMac(text: string): boolean {
  for (let i = 2; i + 3 < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 58 || c === 45) {
      if (text.charCodeAt(i + 3) === c && isHex(text.charCodeAt(i - 1)) && isHex(text.charCodeAt(i + 1))) return true;
    } else if (c === 46 && i + 5 < text.length && text.charCodeAt(i + 5) === 46 && isHex(text.charCodeAt(i - 1)) && isHex(text.charCodeAt(i + 4))) {
      return true;
    }
  }
  return false;
}

export const macAddressDetector: Detector = {
  id: 'identity/mac-address',
  severity: 'error',
  title: 'MAC address',
  description: 'A MAC address is burned into a network card: it identifies the machine for life, across networks and reinstalls.',
  literalHitsShowInWhole: true,
  detect: (text) =>
    text.length < 14 || !mayHoldMac(text)
      ? []
      : regexHits(MAC, text, (m) => {
          const hex = m[0].replace(/[^0-9A-Fa-f]/g, '').toLowerCase();
          // All-zero and broadcast addresses are placeholders, not hardware.
          if (hex === '000000000000' || hex === 'ffffffffffff') return false;
          return m[0];
        }),
};
