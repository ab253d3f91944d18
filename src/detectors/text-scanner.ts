/**
 * What scanners see and return: a piece of request text with its place, and the hits found
 * in it. Detectors (detector.ts) and the sensitive-term scanner (terms/) both work on these; the
 * engine hands every part of a request to each of them.
 */
import type { Finding, FindingLocation } from '../engine/finding.js';
import type { Severity } from '../policy/policy-schema.js';

export interface TextPart {
  location: FindingLocation;
  text: string;
  /** JSON object keys are scanned too: a table name used as a key is still a table name. */
  isKey?: boolean;
  /** The raw text of a body that parsed: every string in it is also a part of its own. */
  parsedElsewhere?: boolean;
}

/** A scanner's hit: a finding without the request context the engine adds. */
export type ScanHit = Omit<Finding, 'requestId' | 'kind' | 'fingerprint' | 'severity'> & { severity?: Severity };

/** Extra scanners the engine runs over every text part (detectors, sensitive terms). */
export interface TextScanner {
  scan(part: TextPart): ScanHit[];
  /**
   * The scan of a parsed body's raw text (parsedElsewhere), and whether that proves its string
   * literals clean: true only when no literal (a substring between two '"', the text holding no
   * backslash) would give a hit if scanned as a part of its own. Scanners without it have every
   * literal scanned.
   */
  scanWhole?(part: TextPart): { hits: ScanHit[]; literalsClean: boolean };
}
