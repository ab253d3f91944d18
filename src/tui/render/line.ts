/**
 * A screen line as data: segments of text with a tone. The pure builders (payload tree,
 * findings, diff, raw, help) produce Lines; one component turns tones into Ink colours, so
 * what a line says is testable without a terminal and NO_COLOR is handled in one place.
 */
import { fit, textWidth } from './text-fit.js';

export type Tone =
  | 'plain'
  | 'dim'
  | 'heading'
  | 'key'
  | 'accent'
  /** A field or request the policy allows. */
  | 'pass'
  /** Undocumented: sent, not promised, carries no user data (a warning). */
  | 'warn'
  /** A violation (an error finding). */
  | 'fail'
  | 'skip'
  | 'added'
  | 'removed';

export interface Segment {
  text: string;
  tone?: Tone;
}

export type Line = Segment[];

export function seg(text: string, tone: Tone = 'plain'): Segment {
  return { text, tone };
}

export function lineText(line: Line): string {
  return line.map((s) => s.text).join('');
}

/** Cut a line to `width`, segment by segment, with an ellipsis where it was cut. */
export function fitLine(line: Line, width: number): Line {
  const total = line.reduce((n, s) => n + textWidth(s.text), 0);
  if (total <= width) return line;
  const out: Line = [];
  let left = width;
  for (const s of line) {
    if (left <= 0) break;
    const w = textWidth(s.text);
    if (w < left) {
      out.push(s);
      left -= w;
    } else {
      out.push({ ...s, text: fit(s.text, left) });
      left = 0;
    }
  }
  // The cut must show, even when it fell on a segment boundary.
  const last = out[out.length - 1];
  if (last && !last.text.endsWith('…')) last.text = fit(last.text + '……', textWidth(last.text));
  return out;
}
