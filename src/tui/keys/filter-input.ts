/** Keys while typing a filter after `/`: text edits the draft, Enter applies, Esc cancels. */
import type { Action } from '../state/actions.js';
import type { InkKey } from './key-name.js';

export function filterInputAction(input: string, key: InkKey, draft: string): Action | null {
  if (key.return) return { type: 'filter-apply' };
  if (key.escape && input === '') return { type: 'filter-cancel' };
  if (key.backspace || key.delete) return { type: 'filter-edit', draft: [...draft].slice(0, -1).join('') };
  if (key.ctrl && input === 'u') return { type: 'filter-edit', draft: '' };
  if (key.ctrl && input === 'c') return { type: 'filter-cancel' };
  if (key.ctrl || key.meta || key.upArrow || key.downArrow || key.tab || key.pageUp || key.pageDown) return null;
  // eslint-disable-next-line no-control-regex
  const text = input.replace(/[\u0000-\u001f\u007f]/g, '');
  return text === '' ? null : { type: 'filter-edit', draft: draft + text };
}
