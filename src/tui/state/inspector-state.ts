/**
 * Everything the inspector shows, as one value. Results are append-only and audited once, when
 * they arrive; the view is the list of result indices that pass the filter, so moving the
 * selection is O(1) and only applying a filter walks every request.
 */
import type { RequestResult } from '../../engine/audit-request.js';
import { EMPTY_COUNTS, type Counts } from './counts.js';
import { FilterIndex } from './filter-index.js';
import type { Size } from './layout.js';
import type { OptoutState } from './optout-matrix.js';

export type TabId = 'payload' | 'findings' | 'diff' | 'raw' | 'optout';

export const TABS: ReadonlyArray<{ id: TabId; label: string }> = [
  { id: 'payload', label: 'Payload' },
  { id: 'findings', label: 'Findings' },
  { id: 'diff', label: 'Diff' },
  { id: 'raw', label: 'Raw' },
  { id: 'optout', label: 'Opt-out' },
];

export interface FilterState {
  /** The filter in force. */
  applied: string;
  /** What is being typed after `/`. */
  draft: string;
  editing: boolean;
  error?: string;
}

export interface SourceState {
  /** What is being inspected, for the header: input paths, a followed file, a command. */
  label: string;
  /** A live feed (requests keep arriving) rather than a replay that finishes. */
  live: boolean;
  /** Still reading a replay, or the feed still open. */
  active: boolean;
  status?: string;
  /** Reading failed (an input error): the exit code is 2, as `audit` would give. */
  error?: string;
  /** The feed ended: how the target exited, when known. */
  ended?: { exitCode?: number | null; signal?: string | null };
}

export interface InspectorState {
  results: readonly RequestResult[];
  /**
   * Per-field lists for the filter, each result's free-text haystack and the previous result of
   * its kind (Diff tab); shared by states, each reads only its own results' positions.
   */
  filterIndex: FilterIndex;
  counts: Counts;
  /** Indices into results that pass the filter, ascending. */
  view: readonly number[];
  /** Position of the selection in the view. */
  cursor: number;
  /** First view position shown in the list. */
  listTop: number;
  tab: TabId;
  detailTop: number;
  filter: FilterState;
  violationsOnly: boolean;
  /** Show finding evidence instead of its redaction. */
  reveal: boolean;
  help: boolean;
  size: Size;
  source: SourceState;
  flash?: { text: string; tone: 'info' | 'error' };
  optout?: OptoutState;
}

export function initialState(opts: { size: Size; source: Pick<SourceState, 'label' | 'live'>; optout?: OptoutState }): InspectorState {
  return {
    results: [],
    filterIndex: new FilterIndex(),
    counts: EMPTY_COUNTS,
    view: [],
    cursor: 0,
    listTop: 0,
    tab: 'payload',
    detailTop: 0,
    filter: { applied: '', draft: '', editing: false },
    violationsOnly: false,
    reveal: false,
    help: false,
    size: opts.size,
    source: { ...opts.source, active: true },
    ...(opts.optout ? { optout: opts.optout } : {}),
  };
}

export function selectedIndex(state: InspectorState): number | undefined {
  return state.view[state.cursor];
}

export function selectedResult(state: InspectorState): RequestResult | undefined {
  const i = selectedIndex(state);
  return i === undefined ? undefined : state.results[i];
}

export function previousResultOfKind(state: InspectorState): RequestResult | undefined {
  const i = selectedIndex(state);
  if (i === undefined) return undefined;
  const p = state.filterIndex.previousOf(i);
  return p < 0 ? undefined : state.results[p];
}

export function availableTabs(state: InspectorState): TabId[] {
  return TABS.filter((t) => t.id !== 'optout' || state.optout !== undefined).map((t) => t.id);
}
