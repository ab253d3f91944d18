import type { Detector } from './detector.js';
import { regexHits } from './detector.js';

// 13 to 19 digits, optionally grouped by single spaces or dashes, standing on their own: a
// number glued to letters, "_" or "-" is part of a longer token (a UUID's digit groups, a hex
// id, a build tag), not a card. Random UUIDs matched once in ~4,000 without this.
const CARD = /(?<![0-9A-Za-z_-])(?:\d[ -]?){12,18}\d(?![0-9A-Za-z_-])/g;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Issuer prefixes of the card networks: a Luhn-valid number outside them is a counter or an id. */
function knownIssuer(d: string): boolean {
  const two = Number(d.slice(0, 2));
  const four = Number(d.slice(0, 4));
  const three = Number(d.slice(0, 3));
  if (d[0] === '4') return d.length === 13 || d.length === 16 || d.length === 19; // Visa
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return d.length === 16; // Mastercard
  if (two === 34 || two === 37) return d.length === 15; // Amex
  if (d.startsWith('6011') || two === 65 || (three >= 644 && three <= 649)) return d.length >= 16; // Discover
  if (four >= 3528 && four <= 3589) return d.length >= 16; // JCB
  if (two === 36 || two === 38 || (three >= 300 && three <= 305)) return d.length >= 14; // Diners
  if (two === 62) return d.length >= 16; // UnionPay
  return false;
}

/** At least 13 digits in the text at all: most text fails this counting loop, no expression run. */
function enoughDigits(text: string): boolean {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57 && ++n >= 13) return true;
  }
  return false;
}

export const creditCardDetector: Detector = {
  id: 'pii/credit-card',
  severity: 'error',
  title: 'Credit card number',
  description: 'A payment card number: 13 to 19 digits with a card network prefix that pass the Luhn check.',
  literalHitsShowInWhole: true,
  detect: (text) =>
    text.length < 13 || !enoughDigits(text)
      ? []
      : regexHits(CARD, text, (m) => {
          const digits = m[0].replace(/[ -]/g, '');
          if (digits.length < 13 || digits.length > 19) return false;
          // Mixed separators ("4111 1111-1111 1111") are not how cards are written.
          if (/ /.test(m[0]) && /-/.test(m[0])) return false;
          if (/^(\d)\1+$/.test(digits)) return false;
          return knownIssuer(digits) && luhnValid(digits) && m[0];
        }),
};
