/** Everything that can change the inspector's state: keys, sources and the opt-out runner. */
import type { RequestResult } from '../../engine/audit-request.js';
import type { OptoutAction } from './optout-matrix.js';
import type { TabId } from './inspector-state.js';

export type Action =
  | { type: 'results-added'; results: readonly RequestResult[] }
  | { type: 'move'; delta: number }
  | { type: 'page'; direction: 1 | -1 }
  | { type: 'jump'; to: 'first' | 'last' }
  | { type: 'tab-next' }
  | { type: 'tab-prev' }
  | { type: 'tab-set'; tab: TabId }
  /** Scroll the detail pane; `max` is the last first-line that still fills the pane. */
  | { type: 'detail-scroll'; delta: number; max: number }
  | { type: 'filter-open' }
  | { type: 'filter-edit'; draft: string }
  | { type: 'filter-apply' }
  | { type: 'filter-cancel' }
  | { type: 'filter-clear' }
  | { type: 'violations-toggle' }
  | { type: 'reveal-toggle' }
  | { type: 'help-toggle' }
  | { type: 'resize'; columns: number; rows: number }
  | { type: 'source-status'; status: string }
  | { type: 'source-done' }
  | { type: 'source-error'; message: string }
  | { type: 'source-ended'; exitCode?: number | null; signal?: string | null }
  | { type: 'flash'; text: string; tone?: 'info' | 'error' }
  | OptoutAction;
