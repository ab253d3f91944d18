import type { Detector } from './detector.js';
import { regexHits } from './detector.js';

// scheme://user:password@host. The user part cannot hold ":" and the password cannot hold "@",
// so each start has one way to split, and every part is bounded: linear time.
const CONN = /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{1,20}:\/\/([^\s:@/?#"'<>\\]{1,128}):([^\s@/?#"'<>\\]{1,128})@[^\s/?#"'<>\\:]{1,253}/g;

export const connectionStringDetector: Detector = {
  id: 'secret/connection-string',
  severity: 'error',
  title: 'Connection string with credentials',
  description: 'A URL carrying a user name and password (postgres://user:pass@host/db): a database credential and the host it opens.',
  literalHitsShowInWhole: true,
  detect: (text) =>
    !text.includes('://') || !text.includes('@')
      ? []
      : regexHits(CONN, text, (m) => {
          // A templated password is not one ("${PG_PASSWORD}", "{{SECRET}}", "<password>").
          const pass = m[2]!;
          if (/^(?:\$\{.*\}|\{\{.*\}\}|<.*>|\*+|x+)$/i.test(pass)) return false;
          return m[0];
        }),
};
