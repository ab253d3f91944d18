import type { Detector } from './detector.js';
import { regexHits } from './detector.js';

// Local part and domain labels are bounded, so the expression stays linear on long inputs.
const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9-])/g;

export const emailDetector: Detector = {
  id: 'pii/email',
  severity: 'error',
  title: 'E-mail address',
  description: 'An e-mail address identifies a person; the policy says nothing identifying is sent.',
  // Most text has no "@": skipping the expression there keeps the common case cheap.
  literalHitsShowInWhole: true,
  detect: (text) =>
    !text.includes('@') ? [] : regexHits(EMAIL, text, (m) => {
      const local = m[0].slice(0, m[0].indexOf('@'));
      // "a..b@" and ".a@" are not addresses; stack frames like "x@1.2" have no TLD and never match.
      if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return false;
      return m[0];
    }),
};
