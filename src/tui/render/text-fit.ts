/**
 * Terminal-safe text: captured payloads, headers and URLs are untrusted, so control characters
 * are shown as escapes (a payload must not be able to move the cursor or recolour the screen),
 * and every line is fitted to the width it is given so the layout never wraps.
 */

import { CONTROL_CHARS, escapeControlChar } from '../../report/control-chars.js';

/** Control characters as escapes (one set for every sink); tabs become two spaces. */
export function sanitize(text: string): string {
  return text.replace(CONTROL_CHARS, (c) => (c === '\t' ? '  ' : escapeControlChar(c)));
}

/** Length in code points: an approximation of display width that Ink's own truncation backs up. */
export function textWidth(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Cut to at most `width` code points, marking the cut with an ellipsis. */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text;
  const chars = [...text];
  if (chars.length <= width) return text;
  return chars.slice(0, Math.max(0, width - 1)).join('') + '…';
}

export function padEnd(text: string, width: number): string {
  const f = fit(text, width);
  return f + ' '.repeat(Math.max(0, width - textWidth(f)));
}

export function padStart(text: string, width: number): string {
  const f = fit(text, width);
  return ' '.repeat(Math.max(0, width - textWidth(f))) + f;
}

/**
 * Hard-wrap one logical line to `width`, breaking at a space when one is near the end of the
 * row so words stay whole, and mid-word otherwise (JSON bodies are one long line).
 */
export function wrap(text: string, width: number): string[] {
  if (width <= 0) return [text];
  const chars = [...text];
  if (chars.length <= width) return [text];
  const out: string[] = [];
  let start = 0;
  while (start < chars.length) {
    let end = Math.min(start + width, chars.length);
    if (end < chars.length) {
      const floor = start + Math.floor(width * 0.7);
      for (let i = end; i > floor; i--) {
        if (chars[i - 1] === ' ') {
          end = i;
          break;
        }
      }
    }
    out.push(chars.slice(start, end).join(''));
    start = end;
  }
  return out;
}
