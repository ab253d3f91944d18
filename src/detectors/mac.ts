import type { Detector } from './detector.js';
import { regexHits } from './detector.js';

// Six pairs joined by one separator used throughout, or Cisco's three dotted quads.
const MAC = /(?<![0-9A-Fa-f:.-])(?:[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})(?![0-9A-Fa-f:.-])/g;

// Cheap pre-tests: most text (UUIDs included) has no run of three separated pairs.
const HINT = /[0-9A-Fa-f]{2}[:-][0-9A-Fa-f]{2}[:-][0-9A-Fa-f]{2}[:-]|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\./;

export const macAddressDetector: Detector = {
  id: 'identity/mac-address',
  severity: 'error',
  title: 'MAC address',
  description: 'A MAC address is burned into a network card: it identifies the machine for life, across networks and reinstalls.',
  detect: (text) =>
    text.length < 14 || !HINT.test(text)
      ? []
      : regexHits(MAC, text, (m) => {
          const hex = m[0].replace(/[^0-9A-Fa-f]/g, '').toLowerCase();
          // All-zero and broadcast addresses are placeholders, not hardware.
          if (hex === '000000000000' || hex === 'ffffffffffff') return false;
          return m[0];
        }),
};
