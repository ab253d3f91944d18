/** One Line as Ink text: the only place tones become colours, so NO_COLOR is honoured here. */
import { Text, Transform, useIsScreenReaderEnabled } from 'ink';
import { memo, useContext } from 'react';
import { drawnLine, toneProps } from '../render/drawn-line.js';
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
