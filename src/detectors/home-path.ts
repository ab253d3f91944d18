import type { Detector } from './detector.js';
import { regexHits } from './detector.js';

// /home/<user>, /Users/<user> and C:\Users\<user> (also with JSON-doubled backslashes). Only
// where a path starts (not "/api/home/x"), and the user segment is bounded.
const HOME = /(?<![\w.-])(?:\/(?:home|Users)\/|[A-Za-z]:(?:\\{1,2}|\/)Users(?:\\{1,2}|\/))([A-Za-z0-9._-][A-Za-z0-9._ -]{0,63})/g;

// Shared, not personal: "C:\Users\Public" and "/Users/Shared" name nobody.
const SHARED = new Set(['public', 'shared', 'default', 'all users', 'default user']);

export const homePathDetector: Detector = {
  id: 'identity/home-path',
  severity: 'error',
  title: 'Home directory path',
  description: 'A path under /home, /Users or C:\\Users names the user account and shows where their files are.',
  literalHitsShowInWhole: true,
  detect: (text) =>
    !text.includes('Users') && !text.includes('/home/')
      ? []
      : regexHits(HOME, text, (m) => {
          const user = m[1]!.trimEnd();
          if (SHARED.has(user.toLowerCase())) return false;
          return m[0].slice(0, m[0].length - m[1]!.length) + user;
        }),
};
