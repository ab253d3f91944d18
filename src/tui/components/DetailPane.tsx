/** The detail pane: its tab bar, then the lines of the current tab from the scroll position. */
import { Box } from 'ink';
import { useMemo } from 'react';
import type { Line } from '../render/line.js';
import { useInspector } from './InspectorContext.js';
import { LineBlock } from './LineText.js';
import { TabBar } from './TabBar.js';

/** `rows` below the tab bar, `width` wide: the detail beside or below the list, or the whole body for the help. */
export function DetailPane({ rows, width }: { rows: number; width: number }) {
  const { state, detail } = useInspector();
  const top = Math.max(0, Math.min(state.detailTop, Math.max(0, detail.length - rows)));
  // The same array while the detail and the scroll position stay: the block is not redrawn.
  const shown = useMemo(() => {
    const out: Line[] = [];
    for (let i = 0; i < rows; i++) {
      const line = detail[top + i];
      // The last row says there is more, so a long payload is never silently cut.
      if (i === rows - 1 && top + rows < detail.length) out.push([{ text: `… ${detail.length - top - rows + 1} more lines (Space/J scroll)`, tone: 'dim' }]);
      else out.push(line ?? []);
    }
    return out;
  }, [detail, top, rows]);
  return (
    <Box flexDirection="column" width={width}>
      <TabBar width={width} />
      <LineBlock lines={shown} width={width} />
    </Box>
  );
}
