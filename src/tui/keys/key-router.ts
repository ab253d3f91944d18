/**
 * Route one input event from Ink to the state: through the filter editor while a filter is
 * being typed, through the key table otherwise. A held key or a paste arrives as one string,
 * so it is taken a character at a time, and `/` partway through it sends the rest to the
 * filter (typing "/kind:cli" fast must not run "k", "i", "n", "d" as commands).
 */
import type { Action } from '../state/actions.js';
import type { InspectorState } from '../state/inspector-state.js';
import { commandAction, type DetailExtent, type Effect } from './command-action.js';
import { filterInputAction } from './filter-input.js';
import { keyNames, type InkKey } from './key-name.js';
import { commandFor } from './key-table.js';

export interface KeyContext {
  getState(): InspectorState;
  dispatch(action: Action): void;
  effect(effect: Effect): void;
  /** The detail pane's extent for the current selection (for scrolling bounds). */
  detail(): DetailExtent;
}

const NO_KEY: InkKey = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
  return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false,
};

function isPlainText(input: string, key: InkKey): boolean {
  return input.length > 1 && !key.ctrl && !key.meta && !key.upArrow && !key.downArrow && !key.leftArrow && !key.rightArrow && !key.pageUp && !key.pageDown && !key.tab && !key.return && !key.escape && !key.backspace && !key.delete;
}

export function routeInput(input: string, key: InkKey, ctx: KeyContext): void {
  if (isPlainText(input, key)) {
    for (const ch of input) {
      const enter = ch === '\r' || ch === '\n';
      routeOne(enter ? '' : ch, enter ? { ...NO_KEY, return: true } : { ...NO_KEY, shift: /[A-Z]/.test(ch) }, ctx);
    }
    return;
  }
  routeOne(input, key, ctx);
}

function routeOne(input: string, key: InkKey, ctx: KeyContext): void {
  const state = ctx.getState();
  if (state.filter.editing) {
    const action = filterInputAction(input, key, state.filter.draft);
    if (action) ctx.dispatch(action);
    return;
  }
  for (const name of keyNames(input, key)) {
    const command = commandFor(name);
    if (!command) continue;
    const action = commandAction(command, ctx.detail(), ctx.getState());
    if (action === null) continue;
    if (typeof action === 'string') ctx.effect(action);
    else ctx.dispatch(action);
  }
}
