/** The request list, virtualised: only the rows on screen are built, whatever the total. */
import { Box } from 'ink';
import { useMemo } from 'react';
import type { RequestResult } from '../../engine/audit-request.js';
import { positionText } from '../render/header-lines.js';
import type { Line } from '../render/line.js';
import { listRow, listTitle } from '../render/list-row.js';
import { useInspector } from './InspectorContext.js';
import { LineBlock, LineText } from './LineText.js';

/** A request's row, kept per request: moving the selection builds two rows, not every row on screen. */
const rowLines = new WeakMap<RequestResult, { width: number; plain?: Line; selected?: Line }>();

function rowOf(result: RequestResult, width: number, selected: boolean): Line {
  let kept = rowLines.get(result);
  if (kept?.width !== width) {
    kept = { width };
    rowLines.set(result, kept);
  }
  const which = selected ? 'selected' : 'plain';
  return (kept[which] ??= listRow(result, width, selected));
}

export function RequestList() {
  const { state, layout } = useInspector();
  const { view, results, listTop, cursor } = state;
  const width = layout.listWidth;
  const rowCount = layout.listRows;
  // One block of rows (one text node), the same array while what is on screen stays.
  const rows = useMemo(() => {
    const out: Line[] = [];
    for (let pos = listTop; pos < listTop + rowCount; pos++) {
      const index = view[pos];
      const result = index === undefined ? undefined : results[index];
      out.push(result ? rowOf(result, width, pos === cursor) : []);
    }
    return out;
  }, [view, results, listTop, rowCount, cursor, width]);
  return (
    <Box flexDirection="column" width={width}>
      <LineText line={listTitle(width, positionText(state))} width={width} />
      <LineBlock lines={rows} width={width} inverseAt={cursor - listTop} />
    </Box>
  );
}
