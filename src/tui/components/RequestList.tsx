/** The request list, virtualised: only the rows on screen are built, whatever the total. */
import { Box, Text } from 'ink';
import { positionText } from '../render/header-lines.js';
import { listRow, listTitle } from '../render/list-row.js';
import { useInspector } from './InspectorContext.js';
import { LineText } from './LineText.js';

export function RequestList() {
  const { state, layout } = useInspector();
  const { view, results, listTop, cursor } = state;
  const width = layout.listWidth;
  const rows = [];
  for (let pos = listTop; pos < listTop + layout.listRows; pos++) {
    const index = view[pos];
    const result = index === undefined ? undefined : results[index];
    if (!result) {
      rows.push(<Text key={pos}> </Text>);
      continue;
    }
    rows.push(<LineText key={pos} line={listRow(result, width, pos === cursor)} width={width} inverse={pos === cursor} />);
  }
  return (
    <Box flexDirection="column" width={width}>
      <LineText line={listTitle(width, positionText(state))} width={width} />
      {rows}
    </Box>
  );
}
