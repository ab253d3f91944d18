/** One Line as Ink text: the only place tones become colours, so NO_COLOR is honoured here. */
import { Text } from 'ink';
import { memo, useContext } from 'react';
import type { Line, Tone } from '../render/line.js';
import { fitLine } from '../render/line.js';
import { ColorContext } from './InspectorContext.js';

interface ToneProps {
  color?: string;
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

/** Memoised: the detail's lines are built once per selection, so scrolling re-renders only what moved. */
export const LineText = memo(function LineText({ line, width, inverse = false }: { line: Line; width: number; inverse?: boolean }) {
  const color = useContext(ColorContext);
  const fitted = fitLine(line, width);
  if (fitted.length === 0 || fitted.every((s) => s.text === '')) return <Text> </Text>;
  return (
    <Text wrap="truncate-end" inverse={inverse}>
      {fitted.map((s, i) => (
        <Text key={i} {...toneProps(s.tone, color)}>
          {s.text}
        </Text>
      ))}
    </Text>
  );
});
