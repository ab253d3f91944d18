import type { Detector } from './detector.js';
import { regexHits } from './detector.js';

// Six pairs joined by one separator used throughout, or Cisco's three dotted quads.
const MAC = /(?<![0-9A-Fa-f:.-])(?:[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})(?![0-9A-Fa-f:.-])/g;

/**
 * A cheap pre-test: a separator between hex digits that recurs three characters on (or Cisco's
 * dotted quads). An expression, not a loop over the characters: V8 runs it several times faster.
 */
const MAY_HOLD_MAC = /[0-9A-Fa-f]([:-])[0-9A-Fa-f][^]\1|[0-9A-Fa-f]\.[^]{3}[0-9A-Fa-f]\./;

export const macAddressDetector: Detector = {
  id: 'identity/mac-address',
  severity: 'error',
  title: 'MAC address',
  description: 'A MAC address is burned into a network card: it identifies the machine for life, across networks and reinstalls.',
  literalHitsShowInWhole: true,
  detect: (text) =>
    text.length < 14 || !MAY_HOLD_MAC.test(text)
      ? []
      : regexHits(MAC, text, (m) => {
          const hex = m[0].replace(/[^0-9A-Fa-f]/g, '').toLowerCase();
          // All-zero and broadcast addresses are placeholders, not hardware.
          if (hex === '000000000000' || hex === 'ffffffffffff') return false;
          return m[0];
        }),
};
