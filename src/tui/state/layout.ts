/**
 * Where things go for a terminal size: a pure function, so resizing is one action and the
 * reducer can keep the selected row inside the visible part of the list.
 *
 *   stacked (default)          side by side (wide terminals)
 *   header (2)                 header (2)
 *   list title + rows          list title + rows │ tab bar + detail
 *   tab bar + detail
 *   footer (1)                 footer (1)
 *
 * One row is left unused: Ink clears the whole terminal on every frame once its output is as
 * tall as the terminal, which flickers.
 */
export interface Size {
  columns: number;
  rows: number;
}

export interface Layout {
  mode: 'stacked' | 'side' | 'too-small';
  columns: number;
  /** Rows of requests shown (the list's column titles take one more). */
  listRows: number;
  listWidth: number;
  /** Rows of the detail pane below its tab bar. */
  detailRows: number;
  detailWidth: number;
  /** Rows between the header and the footer (the help uses them all). */
  bodyRows: number;
}

export const MIN_SIZE: Size = { columns: 60, rows: 14 };
const SIDE_BY_SIDE_COLUMNS = 160;
const HEADER = 2;
const FOOTER = 1;

export function layoutFor(size: Size): Layout {
  const columns = Math.max(1, size.columns);
  const usable = size.rows - 1;
  if (size.columns < MIN_SIZE.columns || size.rows < MIN_SIZE.rows) {
    return { mode: 'too-small', columns, listRows: 1, listWidth: columns, detailRows: 1, detailWidth: columns, bodyRows: 1 };
  }
  const body = usable - HEADER - FOOTER;
  if (columns >= SIDE_BY_SIDE_COLUMNS) {
    const listWidth = Math.floor(columns * 0.42);
    return { mode: 'side', columns, listRows: body - 1, listWidth, detailRows: body - 1, detailWidth: columns - listWidth - 1, bodyRows: body };
  }
  // The list gets about a third of the rows: enough to see neighbours, the rest for detail.
  const listRows = Math.max(3, Math.min(Math.floor(body * 0.35), body - 6));
  return { mode: 'stacked', columns, listRows, listWidth: columns, detailRows: body - 1 - listRows - 1, detailWidth: columns, bodyRows: body };
}
