import type { Detector, DetectorHit } from './detector.js';
import { regexHits } from './detector.js';

// Access key ids: a four-letter type prefix and sixteen base32 characters.
const KEY_ID = /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z2-7]{16}(?![A-Za-z0-9])/g;
const KEY_HINT = /A(?:KIA|SIA|BIA|CCA|GPA|IDA|ROA|NPA|NVA|IPA)/;
// A secret key is 40 base64 characters: only reported next to a name that says what it is,
// since 40 such characters alone are as likely a hash.
const SECRET = /aws_?secret_?(?:access_?)?key["'\s]{0,3}[:=]\s{0,3}["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/gi;

export const awsAccessKeyDetector: Detector = {
  id: 'secret/aws-access-key',
  severity: 'error',
  title: 'AWS access key',
  description: 'An AWS access key id (AKIA..., ASIA...) or a secret access key next to its name: cloud credentials.',
  literalHitsShowInWhole: true,
  detect(text) {
    const hits: DetectorHit[] = text.length >= 20 && KEY_HINT.test(text) ? regexHits(KEY_ID, text) : [];
    if (/secret/i.test(text)) {
      for (const h of regexHits(SECRET, text, (m) => m[1])) {
        // The hit is the key itself, not the name before it.
        hits.push({ value: h.value, index: text.indexOf(h.value, h.index), message: 'AWS secret access key found' });
      }
    }
    return hits;
  },
};
