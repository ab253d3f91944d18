/** The request list, virtualised: only the rows on screen are built, whatever the total. */
import { Box, Text } from 'ink';
import { memo } from 'react';
import type { RequestResult } from '../../engine/audit-request.js';
import { positionText } from '../render/header-lines.js';
import { listRow, listTitle } from '../render/list-row.js';
import { useInspector } from './InspectorContext.js';
import { LineText } from './LineText.js';

// Moving the selection changes two rows; the others are not rebuilt.
const Row = memo(function Row({ result, width, selected }: { result: RequestResult; width: number; selected: boolean }) {
  return <LineText line={listRow(result, width, selected)} width={width} inverse={selected} />;
});

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
    rows.push(<Row key={pos} result={result} width={width} selected={pos === cursor} />);
  }
  return (
    <Box flexDirection="column" width={width}>
      <LineText line={listTitle(width, positionText(state))} width={width} />
      {rows}
    </Box>
  );
}
