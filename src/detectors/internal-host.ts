import type { Detector } from './detector.js';
import { regexHits } from './detector.js';

// A dotted host name, labels bounded; the look-behind starts a match only where a name starts.
const HOST = /(?<![A-Za-z0-9.-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z][A-Za-z0-9-]{0,62}(?![A-Za-z0-9-]|\.[A-Za-z0-9])/g;

// Top-level labels only private networks use, and labels that mark a private zone inside a
// public domain ("hasura.internal.acme.com"): such a name maps the user's infrastructure.
const INTERNAL_TLDS = new Set(['internal', 'intranet', 'corp', 'lan', 'local', 'localdomain', 'private', 'intra', 'home']);
const INTERNAL_ZONES = new Set(['internal', 'intranet', 'corp', 'intra', 'svc', 'lan']);
// "settings.local.json" is a file, not a host.
const FILE_EXTENSIONS = new Set(['js', 'mjs', 'cjs', 'ts', 'tsx', 'jsx', 'json', 'go', 'py', 'rb', 'java', 'yaml', 'yml', 'html', 'css', 'md', 'txt', 'log', 'sh', 'env', 'conf', 'toml', 'ini', 'map', 'hs', 'sql']);
// Reserved for documentation or loopback: these identify nobody.
const IGNORED_SUFFIXES = ['localhost', 'example.com', 'example.org', 'example.net'];

const HINT = /\.(?:internal|intranet|corp|lan|local|localdomain|private|intra|home|svc)(?![A-Za-z0-9-])/i;

export const internalHostDetector: Detector = {
  id: 'identity/internal-host',
  severity: 'error',
  title: 'Internal host name',
  description:
    'A host name of a private network (a label such as internal, corp, lan, local, svc.cluster): it names the user\'s machines and maps their infrastructure.',
  literalHitsShowInWhole: true,
  detect: (text) =>
    !text.includes('.') || !HINT.test(text)
      ? []
      : regexHits(HOST, text, (m) => {
          const host = m[0].toLowerCase();
          if (IGNORED_SUFFIXES.some((s) => host === s || host.endsWith(`.${s}`))) return false;
          const labels = host.split('.');
          const last = labels[labels.length - 1]!;
          if (FILE_EXTENSIONS.has(last)) return false;
          // The first label is the machine itself; what follows says which network it is in.
          return (INTERNAL_TLDS.has(last) || labels.slice(1, -1).some((l) => INTERNAL_ZONES.has(l))) && m[0];
        }),
};
