/** One Line as Ink text: the only place tones become colours, so NO_COLOR is honoured here. */
import { Text, Transform, useIsScreenReaderEnabled } from 'ink';
import { memo, useContext, type ReactNode } from 'react';
import { drawnLine, toneProps, type DrawnLine } from '../render/drawn-line.js';
import type { Line } from '../render/line.js';
import { fitLine } from '../render/line.js';
import { ColorContext } from './InspectorContext.js';

/**
 * Memoised: the detail's lines are built once per selection, so scrolling re-renders only what
 * moved. A line is one text node whose colours are applied in its transform (render/drawn-line.ts:
 * Ink measures and joins less per frame); lines that cannot take that path, and a screen
 * reader's (which reads the text without its transform), are a <Text> per segment.
 */
export const LineText = memo(function LineText({ line, width, inverse = false }: { line: Line; width: number; inverse?: boolean }) {
  const color = useContext(ColorContext);
  const screenReader = useIsScreenReaderEnabled();
  const fitted = fitLine(line, width);
  if (fitted.length === 0 || fitted.every((s) => s.text === '')) return <Text> </Text>;
  const drawn = screenReader ? undefined : drawnLine(fitted, color, inverse);
  if (drawn) return <Transform transform={drawn.transform}>{drawn.measured}</Transform>;
  return <SegmentTexts line={fitted} color={color} inverse={inverse} />;
});

/** A fitted line as a <Text> per segment, each with its tone's colours (Ink measures the real text). */
export function SegmentTexts({ line, color, inverse }: { line: Line; color: boolean; inverse: boolean }) {
  return (
    <Text wrap="truncate-end" inverse={inverse}>
      {line.map((s, i) => (
        <Text key={i} {...toneProps(s.tone, color)}>
          {s.text}
        </Text>
      ))}
    </Text>
  );
}

/**
 * Lines one under the other (a pane's rows), as few text nodes as possible: each run of lines
 * that can be drawn through a transform is one node, coloured line by line, so a pane whose
 * every line changed (another request selected) is one element for React and one node for
 * Yoga and Ink instead of one per line. A line that cannot is its own <SegmentTexts>; an
 * empty one is a space, as LineText draws it.
 */
export const LineBlock = memo(function LineBlock({ lines, width, inverseAt = -1 }: { lines: readonly Line[]; width: number; inverseAt?: number }) {
  const color = useContext(ColorContext);
  const screenReader = useIsScreenReaderEnabled();
  if (screenReader) return lines.map((line, i) => <LineText key={i} line={line} width={width} inverse={i === inverseAt} />);
  const parts: ReactNode[] = [];
  let measured: string[] = [];
  let styled: string[] = [];
  const flush = (at: number) => {
    if (measured.length === 0) return;
    const m = measured;
    const s = styled;
    parts.push(
      <Transform key={`from ${at - m.length}`} transform={(text, i) => (text === m[i] ? s[i]! : text)}>
        {m.join('\n')}
      </Transform>,
    );
    measured = [];
    styled = [];
  };
  lines.forEach((line, i) => {
    const { fitted, drawn } = drawnOf(line, width, color, i === inverseAt);
    if (drawn) {
      measured.push(drawn.measured);
      styled.push(drawn.styled);
      return;
    }
    flush(i);
    parts.push(<SegmentTexts key={i} line={fitted} color={color} inverse={i === inverseAt} />);
  });
  flush(lines.length);
  return parts;
});

const BLANK: DrawnLine = { measured: ' ', styled: ' ', transform: (text) => text };
/** A line's fitted form and drawing, kept per line object: blocks redraw lines that did not change. */
const drawnLines = new WeakMap<Line, { width: number; color: boolean; inverse: boolean; fitted: Line; drawn: DrawnLine | undefined }>();

function drawnOf(line: Line, width: number, color: boolean, inverse: boolean): { fitted: Line; drawn: DrawnLine | undefined } {
  const kept = drawnLines.get(line);
  if (kept && kept.width === width && kept.color === color && kept.inverse === inverse) return kept;
  const fitted = fitLine(line, width);
  // An empty line is a space, as LineText draws it.
  const drawn = fitted.every((s) => s.text === '') ? BLANK : drawnLine(fitted, color, inverse);
  const entry = { width, color, inverse, fitted, drawn };
  drawnLines.set(line, entry);
  return entry;
}
