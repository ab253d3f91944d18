/** The detail pane: its tab bar, then the lines of the current tab from the scroll position. */
import { Box, Text } from 'ink';
import { useInspector } from './InspectorContext.js';
import { LineText } from './LineText.js';
import { TabBar } from './TabBar.js';

/** `rows` below the tab bar, `width` wide: the detail beside or below the list, or the whole body for the help. */
export function DetailPane({ rows, width }: { rows: number; width: number }) {
  const { state, detail } = useInspector();
  const top = Math.max(0, Math.min(state.detailTop, Math.max(0, detail.length - rows)));
  const shown = [];
  for (let i = 0; i < rows; i++) {
    const line = detail[top + i];
    // The last row says there is more, so a long payload is never silently cut.
    if (i === rows - 1 && top + rows < detail.length) {
      shown.push(<LineText key={i} line={[{ text: `… ${detail.length - top - rows + 1} more lines (Space/J scroll)`, tone: 'dim' }]} width={width} />);
    } else if (line) shown.push(<LineText key={i} line={line} width={width} />);
    else shown.push(<Text key={i}> </Text>);
  }
  return (
    <Box flexDirection="column" width={width}>
      <TabBar width={width} />
      {shown}
    </Box>
  );
}
