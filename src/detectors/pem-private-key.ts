import type { Detector } from './detector.js';
import { regexHits } from './detector.js';

// The armour line names the key type; the body that follows is taken (bounded, and its class
// excludes "-" so one match can never run into the next armour line).
const PEM = /-----BEGIN (?:[A-Z0-9]{1,16} ){0,3}PRIVATE KEY(?: BLOCK)?-----[A-Za-z0-9+/=\s\\]{0,8192}/g;

export const pemPrivateKeyDetector: Detector = {
  id: 'secret/private-key',
  severity: 'error',
  title: 'PEM private key',
  description: 'A PEM-armoured private key (RSA, EC, DSA, OpenSSH, PKCS#8, PGP): a secret that must never leave the machine.',
  literalHitsShowInWhole: true,
  detect: (text) => (!text.includes('PRIVATE KEY') ? [] : regexHits(PEM, text, (m) => m[0].trimEnd())),
};
