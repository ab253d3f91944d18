/**
 * The inspector's reducer: pure, tested without Ink. Work per action is proportional to what
 * changed (new results, or one filter pass), never to the number of requests on a keypress.
 */
import type { RequestResult } from '../../engine/audit-request.js';
import type { Action } from './actions.js';
import { addCounts } from './counts.js';
import { parseFilter, type FilterTerm } from './filter.js';
import { below, FilterIndex, filterPositions } from './filter-index.js';
import { availableTabs, TABS, type InspectorState, type TabId } from './inspector-state.js';
import { layoutFor } from './layout.js';
import { countScenarioResults, isOptoutAction, optoutReducer } from './optout-matrix.js';

type Test = (result: RequestResult, haystack: string) => boolean;

const FAILING: FilterTerm = { test: (r) => r.verdict === 'fail', indexed: { field: 'verdict', verdicts: new Set(['fail']) } };

/** The terms of the current filter and violations-only switch ([]: everything), or the filter's error. */
function viewTerms(state: Pick<InspectorState, 'filter' | 'violationsOnly'>, query = state.filter.applied): FilterTerm[] | string {
  const parsed = parseFilter(query);
  if (!parsed.ok) return parsed.error;
  return state.violationsOnly ? [FAILING, ...parsed.terms] : parsed.terms;
}

/** The predicate for the current filter and violations-only switch (null: everything). */
function viewTest(state: Pick<InspectorState, 'filter' | 'violationsOnly'>, query = state.filter.applied): Test | null | string {
  const terms = viewTerms(state, query);
  if (typeof terms === 'string') return terms;
  if (terms.length === 0) return null;
  const tests = terms.map((t) => t.test);
  return (r, h) => tests.every((t) => t(r, h));
}

/** 0, 1, 2, …: never changed once handed out (a longer one replaces it), so states share it. */
let identity: readonly number[] = [];

/**
 * The view of everything, 0 … n-1. A key that clears the filter or the violations switch
 * costs nothing with 100,000 requests loaded (issue 15): the same array serves every state of
 * that length, instead of a loop that runs, cold, once per key.
 */
function everything(n: number): readonly number[] {
  if (identity.length === n) return identity;
  if (identity.length > n) return identity.slice(0, n);
  // One copy: slicing and then pushing copied it twice (the slice has no room to grow).
  const more: number[] = [];
  for (let i = identity.length; i < n; i++) more.push(i);
  identity = identity.concat(more);
  return identity;
}

function buildView(state: InspectorState, terms: readonly FilterTerm[]): readonly number[] {
  // Violations only, nothing else filtered: the failing requests are already listed.
  if (state.violationsOnly && state.filter.applied.trim() === '') return state.filterIndex.failing(state.results.length);
  // Nothing filtered: every request, in order.
  if (terms.length === 0) return everything(state.results.length);
  return filterPositions(terms, state.results, state.filterIndex, state.results.length);
}

/** Keep the selection on the same request when the view changes, or on its nearest follower. */
function withView(state: InspectorState, view: readonly number[]): InspectorState {
  const selected = state.view[state.cursor];
  let cursor = selected === undefined ? 0 : below(view, selected);
  if (cursor >= view.length) cursor = Math.max(0, view.length - 1);
  const moved = view[cursor] !== selected;
  return scrollIntoView({ ...state, view, cursor, ...(moved ? { detailTop: 0 } : {}) });
}

function listRows(state: InspectorState): number {
  return Math.max(1, layoutFor(state.size).listRows);
}

/** Adjust the list's first row so the cursor is visible. */
function scrollIntoView(state: InspectorState): InspectorState {
  const rows = listRows(state);
  let top = state.listTop;
  if (state.cursor < top) top = state.cursor;
  if (state.cursor >= top + rows) top = state.cursor - rows + 1;
  top = Math.max(0, Math.min(top, Math.max(0, state.view.length - rows)));
  return top === state.listTop ? state : { ...state, listTop: top };
}

function moveTo(state: InspectorState, cursor: number): InspectorState {
  const clamped = Math.max(0, Math.min(cursor, state.view.length - 1));
  if (state.view.length === 0 || clamped === state.cursor) return state;
  return scrollIntoView({ ...state, cursor: clamped, detailTop: 0 });
}

function setTab(state: InspectorState, tab: TabId): InspectorState {
  if (!availableTabs(state).includes(tab)) {
    const label = TABS.find((t) => t.id === tab)?.label ?? tab;
    return { ...state, flash: { text: `${label}: nothing to show in this session`, tone: 'info' } };
  }
  return tab === state.tab ? state : { ...state, tab, detailTop: 0 };
}

function addResults(state: InspectorState, added: readonly RequestResult[]): InspectorState {
  if (added.length === 0) return state;
  const base = state.results.length;
  const results = state.results.concat(added);
  // What else is per result (haystack, previous of its kind, the lists) grows in the shared index.
  const filterIndex = FilterIndex.extended(state.filterIndex, results, base);
  let next: InspectorState = { ...state, results, filterIndex, counts: addCounts(state.counts, added) };
  if (state.optout) next.optout = countScenarioResults(state.optout, added);
  // Only the new results are tested: appending never re-filters what is already there.
  const test = viewTest(state);
  if (typeof test !== 'function') {
    // Nothing filtered: the view is everything, kept as the shared array, so a key that later
    // clears a filter finds it built rather than building 100,000 positions, cold, itself.
    next = { ...next, view: everything(results.length) };
  } else {
    const newView: number[] = [];
    for (let i = 0; i < added.length; i++) if (test(added[i]!, filterIndex.haystack(base + i))) newView.push(base + i);
    next = { ...next, view: state.view.concat(newView) };
  }
  return state.view.length === 0 ? scrollIntoView({ ...next, cursor: 0 }) : next;
}

export function inspectorReducer(state: InspectorState, action: Action): InspectorState {
  // Any key clears a one-off message; sources leave it up.
  const s: InspectorState = state.flash && isKeyAction(action) ? withoutFlash(state) : state;
  if (isOptoutAction(action)) {
    const optout = optoutReducer(s.optout, action);
    return optout === s.optout ? s : { ...s, ...(optout ? { optout } : {}) };
  }
  switch (action.type) {
    case 'results-added':
      return addResults(s, action.results);
    case 'move':
      return moveTo(s, s.cursor + action.delta);
    case 'page':
      return moveTo(s, s.cursor + action.direction * listRows(s));
    case 'jump':
      return moveTo(s, action.to === 'first' ? 0 : s.view.length - 1);
    case 'tab-next':
    case 'tab-prev': {
      const tabs = availableTabs(s);
      const i = tabs.indexOf(s.tab);
      const next = tabs[(i + (action.type === 'tab-next' ? 1 : tabs.length - 1)) % tabs.length]!;
      return setTab(s, next);
    }
    case 'tab-set':
      return setTab(s, action.tab);
    case 'detail-scroll': {
      const top = Math.max(0, Math.min(s.detailTop + action.delta, action.max));
      return top === s.detailTop ? s : { ...s, detailTop: top };
    }
    case 'filter-open':
      return { ...s, help: false, filter: { ...s.filter, editing: true, draft: s.filter.applied } };
    case 'filter-edit':
      return { ...s, filter: { ...s.filter, draft: action.draft } };
    case 'filter-cancel':
      return { ...s, filter: { applied: s.filter.applied, draft: s.filter.applied, editing: false } };
    case 'filter-apply': {
      const query = s.filter.draft.trim();
      const terms = viewTerms(s, query);
      if (typeof terms === 'string') return { ...s, filter: { ...s.filter, error: terms } };
      const next = { ...s, filter: { applied: query, draft: query, editing: false } };
      return withView(next, buildView(next, terms));
    }
    case 'filter-clear': {
      const next = { ...s, filter: { applied: '', draft: '', editing: false } };
      const terms = viewTerms(next);
      return withView(next, buildView(next, typeof terms === 'string' ? [] : terms));
    }
    case 'violations-toggle': {
      const next = { ...s, violationsOnly: !s.violationsOnly };
      const terms = viewTerms(next);
      return withView(next, buildView(next, typeof terms === 'string' ? [] : terms));
    }
    case 'reveal-toggle':
      return { ...s, reveal: !s.reveal };
    case 'help-toggle':
      return { ...s, help: !s.help, detailTop: 0 };
    case 'resize':
      return scrollIntoView({ ...s, size: { columns: action.columns, rows: action.rows } });
    case 'source-status':
      return { ...s, source: { ...s.source, status: action.status } };
    case 'source-done':
      return { ...s, source: { ...s.source, active: false } };
    case 'source-error':
      return { ...s, source: { ...s.source, active: false, error: action.message } };
    case 'source-ended':
      return {
        ...s,
        source: {
          ...s.source,
          active: false,
          ended: { ...(action.exitCode !== undefined ? { exitCode: action.exitCode } : {}), ...(action.signal !== undefined ? { signal: action.signal } : {}) },
        },
      };
    case 'flash':
      return { ...s, flash: { text: action.text, tone: action.tone ?? 'info' } };
  }
}

const SOURCE_ACTIONS = new Set(['results-added', 'source-status', 'source-done', 'source-error', 'source-ended', 'flash']);

function isKeyAction(action: Action): boolean {
  return !SOURCE_ACTIONS.has(action.type) && !isOptoutAction(action);
}

function withoutFlash(state: InspectorState): InspectorState {
  const { flash: _flash, ...rest } = state;
  return rest;
}
