/**
 * A detector turns one piece of request text into hits: a small data-shaped object (id,
 * severity, description, detect) in the manner of ESLint rules, each with its own table of
 * valid and invalid cases in its test. Detectors never see the request as a whole; the engine
 * hands them every part (URL, header values, JSON keys and string values, raw body).
 */
import type { Severity } from '../policy/policy-schema.js';

export interface DetectorHit {
  /** The matched text (evidence; redacted in reports). */
  value: string;
  /** Offset of the match in the text given to detect. */
  index: number;
  /** Refines the detector's message for this hit, e.g. "IPv6 address". */
  message?: string;
  encoding?: string;
}

export interface Detector {
  id: string;
  severity: Severity;
  title: string;
  description: string;
  detect(text: string): DetectorHit[];
  /**
   * Set only where it holds: any hit in a JSON string literal (the text between two '"' of a
   * body that holds no backslash) is also a hit in the whole body. True when the pre-tests look
   * only for substrings, the expressions treat a '"' as they treat the text's edge and never
   * match one (or every match is a hit, so a match running into a literal is a hit itself), and
   * a hit depends only on its own match. The engine then scans a body that
   * shows nothing once, instead of once per string in it (test/detectors/literal-hits).
   */
  literalHitsShowInWhole?: true;
}

/** Run a global, linear-time regular expression and collect validated hits. */
export function regexHits(re: RegExp, text: string, validate?: (match: RegExpExecArray) => string | false | null | undefined): DetectorHit[] {
  const hits: DetectorHit[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0] === '') {
      re.lastIndex++;
      continue;
    }
    const value = validate ? validate(m) : m[0];
    if (value) hits.push({ value, index: m.index });
  }
  return hits;
}
