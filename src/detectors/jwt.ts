import type { Detector } from './detector.js';
import { regexHits } from './detector.js';

// A JWT header is a JSON object, so its base64url starts with "eyJ" ('{"'). The look-behind
// starts a match only where a run starts, which keeps the expression linear. "{4}x*" rather
// than "{4,}": V8 backtracks a counted open-ended loop with one stack frame per character, so
// a run of megabytes overflows the stack; the plain star loop is run without that.
const JWT = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{4}[A-Za-z0-9_-]*\.[A-Za-z0-9_-]{2}[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(?![A-Za-z0-9_-])/g;

function decodedHeader(part: string): unknown {
  const text = Buffer.from(part, 'base64url').toString('utf8');
  // Most near-misses fail here, without the cost of a thrown parse error.
  if (!text.endsWith('}') || !text.includes('"alg"')) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const jwtDetector: Detector = {
  id: 'secret/jwt',
  severity: 'error',
  title: 'JSON Web Token',
  description: 'A JWT is a bearer credential and its claims name the user; three base64url parts whose first decodes to a JSON header with "alg".',
  literalHitsShowInWhole: true,
  detect: (text) =>
    !text.includes('eyJ')
      ? []
      : regexHits(JWT, text, (m) => {
          const header = decodedHeader(m[0].slice(0, m[0].indexOf('.')));
          return typeof header === 'object' && header !== null && !Array.isArray(header) && 'alg' in header && m[0];
        }),
};
