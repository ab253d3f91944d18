/** Escaping for GitHub-flavoured Markdown: table cells, inline code, and headings. */
import { escapeControls } from './control-chars.js';

/** Plain text in a table cell: no table breaks, no HTML, no accidental emphasis or links. */
export function mdCell(s: string): string {
  return s
    .replace(/\\/g, '\\\\')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/([*_`[\]#~])/g, '\\$1')
    .replace(/\r?\n/g, ' ')
    .replace(/[\s\S]+/, escapeControls);
}

/** Inline code that survives backticks and pipes inside a table. */
export function mdCode(s: string): string {
  const text = escapeControls(s.replace(/\r?\n/g, ' ')).replace(/\|/g, '\\|');
  const runs = text.match(/`+/g) ?? [];
  const fence = '`'.repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

export function mdTable(head: readonly string[], align: readonly ('l' | 'r')[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(align.map((a) => (a === 'r' ? '---:' : '---'))), ...rows.map(line)].join('\n');
}
