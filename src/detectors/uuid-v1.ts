import type { Detector } from './detector.js';
import { regexHits } from './detector.js';

const UUID_V1 = /(?<![0-9a-f])[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}(?![0-9a-f])/gi;

export const uuidV1Detector: Detector = {
  id: 'identity/uuid-v1',
  severity: 'error',
  title: 'Version 1 UUID',
  description: 'A v1 UUID embeds the MAC address of the machine that made it and the time; where a random id is promised it identifies the machine.',
  // The version nibble sits after the second dash, the variant after the third: most UUIDs (v4)
  // fail this pre-test at once, and so do the v4 ones whose second group starts with a 1.
  literalHitsShowInWhole: true,
  detect: (text) => (text.length < 36 || !/-1[0-9a-f]{3}-[89ab]/i.test(text) ? [] : regexHits(UUID_V1, text)),
};
