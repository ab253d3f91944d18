/** What a command does to state; commands with effects outside state are named, not dispatched. */
import type { Action } from '../state/actions.js';
import { TABS } from '../state/inspector-state.js';
import type { Command } from './key-table.js';

export type Effect = 'save' | 'report' | 'quit';

export interface DetailExtent {
  /** Lines of detail for the current selection and tab. */
  lines: number;
  /** Rows the detail pane shows. */
  rows: number;
}

export function commandAction(command: Command, detail: DetailExtent, state: { help: boolean; filter: { applied: string }; violationsOnly: boolean }): Action | Effect | null {
  const max = Math.max(0, detail.lines - detail.rows);
  switch (command) {
    case 'down':
      return { type: 'move', delta: 1 };
    case 'up':
      return { type: 'move', delta: -1 };
    case 'page-down':
      return { type: 'page', direction: 1 };
    case 'page-up':
      return { type: 'page', direction: -1 };
    case 'first':
      return { type: 'jump', to: 'first' };
    case 'last':
      return { type: 'jump', to: 'last' };
    case 'tab-next':
      return { type: 'tab-next' };
    case 'tab-prev':
      return { type: 'tab-prev' };
    case 'tab-1':
    case 'tab-2':
    case 'tab-3':
    case 'tab-4':
    case 'tab-5':
      return { type: 'tab-set', tab: TABS[Number(command.slice(4)) - 1]!.id };
    case 'detail-down':
      return { type: 'detail-scroll', delta: 1, max };
    case 'detail-up':
      return { type: 'detail-scroll', delta: -1, max };
    case 'detail-page-down':
      return { type: 'detail-scroll', delta: Math.max(1, detail.rows - 1), max };
    case 'detail-page-up':
      return { type: 'detail-scroll', delta: -Math.max(1, detail.rows - 1), max };
    case 'filter':
      return { type: 'filter-open' };
    case 'violations':
      return { type: 'violations-toggle' };
    case 'back':
      if (state.help) return { type: 'help-toggle' };
      if (state.filter.applied !== '') return { type: 'filter-clear' };
      return null;
    case 'reveal':
      return { type: 'reveal-toggle' };
    case 'help':
      return { type: 'help-toggle' };
    case 'save':
    case 'report':
    case 'quit':
      return command;
  }
}
