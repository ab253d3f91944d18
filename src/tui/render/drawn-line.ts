/**
 * A fitted line as Ink draws it, in one text node with its colours applied in a transform.
 *
 * Each frame Ink walks every text node: it joins the node's nested texts (applying each one's
 * colours), then measures the result with `string-width`, which for any character outside
 * printable ASCII segments the whole line into graphemes (most of a frame's garbage: the list
 * rows carry `✗`, `›`, `·`). A line of the inspector is already fitted to its width, so Ink
 * can be handed an ASCII stand-in of the same width (one character for each of the inspector's
 * own width-1 symbols), measure and lay out that, and get the real characters and colours back
 * from the text's transform, which Ink applies after layout. That is the contract of Ink's
 * <Transform> (it must not change the output's width), and the drawn frame is the same.
 *
 * Only lines whose every character is printable ASCII or one of SYMBOLS take this path; a
 * line with anything else (a payload's CJK, emoji, combining marks) is measured by Ink as
 * before. test/tui/drawn-line.test.tsx draws lines both ways through Ink and compares frames.
 */
import chalk from 'chalk';
import type { Line, Tone } from './line.js';

/** Symbols the inspector draws, each one column wide for Ink's `string-width` (a test checks). */
export const SYMBOLS = '·…✗✓█░↑↓←→›⋯≥—●■│─';

const STAND_IN = '?';

export interface ToneProps {
  color?: 'green' | 'yellow' | 'red' | 'cyan';
  bold?: boolean;
  dimColor?: boolean;
}

export function toneProps(tone: Tone | undefined, color: boolean): ToneProps {
  switch (tone) {
    case 'pass':
    case 'added':
      return color ? { color: 'green' } : {};
    case 'warn':
      return color ? { color: 'yellow' } : {};
    case 'fail':
      return color ? { color: 'red', bold: true } : { bold: true };
    case 'removed':
      return color ? { color: 'red' } : {};
    case 'key':
    case 'accent':
      return color ? { color: 'cyan' } : {};
    case 'heading':
      return { bold: true };
    case 'dim':
    case 'skip':
      return { dimColor: true };
    default:
      return {};
  }
}

/** The ASCII stand-in Ink measures, or undefined when a character's width is Ink's to judge. */
export function standIn(text: string): string | undefined {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e) continue;
    // One UTF-16 unit each: every symbol is in the basic plane.
    if (!SYMBOLS.includes(text[i]!)) return undefined;
    out += text.slice(from, i) + STAND_IN;
    from = i + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

/**
 * The line's text coloured as Ink's <Text> would colour each segment nested in a <Text>
 * (dim, then the colour, then bold; empty segments draw nothing), inverse around the whole.
 */
export function styledText(line: Line, color: boolean, inverse: boolean): string {
  let out = '';
  for (const s of line) {
    if (s.text === '') continue;
    const p = toneProps(s.tone, color);
    let text = s.text;
    if (p.dimColor) text = chalk.dim(text);
    if (p.color) text = chalk[p.color](text);
    if (p.bold) text = chalk.bold(text);
    out += text;
  }
  return inverse ? chalk.inverse(out) : out;
}

export interface DrawnLine {
  /** What Ink lays out: as wide as the line, printable ASCII only. */
  measured: string;
  /** The real text, coloured. */
  styled: string;
  /** Ink's transform: the measured text back to the real one, coloured. */
  transform: (text: string) => string;
}

/** A fitted line drawn through a transform, or undefined when it must be drawn as nested texts. */
export function drawnLine(line: Line, color: boolean, inverse: boolean): DrawnLine | undefined {
  let text = '';
  for (const s of line) text += s.text;
  const measured = standIn(text);
  if (measured === undefined) return undefined;
  const styled = styledText(line, color, inverse);
  // Ink hands the transform each line it drew; it draws exactly `measured` (it fits, no
  // line breaks), but anything else is passed through rather than mislabelled.
  return { measured, styled, transform: (drawn) => (drawn === measured ? styled : drawn) };
}
