/** The inspector's reducer, without Ink: selection, scrolling, tabs, filters, counts, exit code. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auditExitCode } from '../../src/cli/exit-codes.js';
import { SummaryBuilder } from '../../src/engine/summary.js';
import type { Action } from '../../src/tui/state/actions.js';
import { inspectorVerdict } from '../../src/tui/state/exit-code.js';
import { inspectorReducer } from '../../src/tui/state/inspector-reducer.js';
import { initialState, previousResultOfKind, selectedResult, type InspectorState } from '../../src/tui/state/inspector-state.js';
import { layoutFor } from '../../src/tui/state/layout.js';
import { cliFlat, httpRequest } from '../helpers/requests.js';
import { audit, fixtureResults } from '../helpers/tui-session.js';

const clean = (n: number) => audit(httpRequest(cliFlat(), { id: `clean-${n}` }));
const leaky = (n: number) => audit(httpRequest(cliFlat({ command: 'hasura migrate apply --admin-secret' }), { id: `leaky-${n}` }));
const server = (n: number) => audit(httpRequest({ server_metrics: { resource_cpu: 1, resource_memory: 2, resource_checker_error_code: null } }, { id: `server-${n}` }));

function run(state: InspectorState, ...actions: Action[]): InspectorState {
  return actions.reduce(inspectorReducer, state);
}

function fresh(rows = 30): InspectorState {
  return initialState({ size: { columns: 100, rows }, source: { label: 'test', live: false } });
}

/** 10 results: clean, leaky and server payloads interleaved, ids telling which is which. */
function loaded(rows = 30): InspectorState {
  const results = Array.from({ length: 10 }, (_, i) => (i % 3 === 0 ? leaky(i) : i % 3 === 1 ? clean(i) : server(i)));
  return run(fresh(rows), { type: 'results-added', results }, { type: 'source-done' });
}

const selectedId = (s: InspectorState) => selectedResult(s)?.request.id;

describe('inspector reducer: results and counts', () => {
  it('appends results, counts them as the summary builder does, and selects the first', () => {
    const s = loaded();
    assert.equal(s.results.length, 10);
    assert.deepEqual(s.view, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(selectedId(s), 'leaky-0');
    const b = new SummaryBuilder();
    for (const r of s.results) b.add(r);
    const summary = b.build();
    assert.equal(s.counts.errors, summary.errors);
    assert.equal(s.counts.warnings, summary.warnings);
    assert.deepEqual(s.counts.kinds, summary.kinds);
    assert.equal(s.counts.verdicts.fail, 4);
  });

  it('links each result to the previous one of its kind, for the Diff tab', () => {
    const s = loaded();
    // cli-flat results are at 0,1,3,4,6,7,9 and server-resources at 2,5,8.
    assert.deepEqual(s.results.map((_, i) => s.filterIndex.previousOf(i)), [-1, 0, -1, 1, 3, 2, 4, 6, 5, 7]);
    const onFifth = run(s, { type: 'move', delta: 5 });
    assert.equal(selectedId(onFifth), 'server-5');
    assert.equal(previousResultOfKind(onFifth)?.request.id, 'server-2');
  });

  it('appending keeps the selection where it is', () => {
    const s = run(loaded(), { type: 'move', delta: 2 }, { type: 'results-added', results: [clean(10), leaky(11)] });
    assert.equal(selectedId(s), 'server-2');
    assert.equal(s.view.length, 12);
  });
});

describe('inspector reducer: moving and scrolling', () => {
  it('moves with bounds and keeps the cursor inside the visible list', () => {
    const rows = layoutFor({ columns: 100, rows: 16 }).listRows;
    let s = loaded(16);
    assert.ok(rows < 10, `the list must be shorter than the results for this test (${rows})`);
    s = run(s, { type: 'move', delta: -1 });
    assert.equal(s.cursor, 0);
    for (let i = 0; i < 9; i++) s = run(s, { type: 'move', delta: 1 });
    assert.equal(s.cursor, 9);
    assert.equal(s.listTop, 10 - rows);
    s = run(s, { type: 'move', delta: 1 });
    assert.equal(s.cursor, 9);
    s = run(s, { type: 'jump', to: 'first' });
    assert.equal(s.cursor, 0);
    assert.equal(s.listTop, 0);
    s = run(s, { type: 'page', direction: 1 });
    assert.equal(s.cursor, rows);
    s = run(s, { type: 'jump', to: 'last' }, { type: 'page', direction: -1 });
    assert.equal(s.cursor, 9 - rows);
  });

  it('scrolls the detail within its bounds and starts at the top for a new selection', () => {
    let s = run(loaded(), { type: 'detail-scroll', delta: 5, max: 3 });
    assert.equal(s.detailTop, 3);
    s = run(s, { type: 'detail-scroll', delta: -10, max: 3 });
    assert.equal(s.detailTop, 0);
    s = run(s, { type: 'detail-scroll', delta: 2, max: 3 }, { type: 'move', delta: 1 });
    assert.equal(s.detailTop, 0);
  });

  it('keeps the selection visible when the terminal shrinks', () => {
    let s = run(loaded(40), { type: 'jump', to: 'last' });
    assert.equal(s.listTop, 0);
    s = run(s, { type: 'resize', columns: 80, rows: 16 });
    const rows = layoutFor(s.size).listRows;
    assert.ok(s.cursor >= s.listTop && s.cursor < s.listTop + rows);
    assert.equal(s.size.columns, 80);
  });
});

describe('inspector reducer: tabs', () => {
  it('cycles through the four request tabs, and the opt-out tab only when there is a matrix', () => {
    let s = loaded();
    const seen = [];
    for (let i = 0; i < 4; i++) {
      s = run(s, { type: 'tab-next' });
      seen.push(s.tab);
    }
    assert.deepEqual(seen, ['findings', 'diff', 'raw', 'payload']);
    s = run(s, { type: 'tab-prev' });
    assert.equal(s.tab, 'raw');
    const refused = run(s, { type: 'tab-set', tab: 'optout' });
    assert.equal(refused.tab, 'raw');
    assert.match(refused.flash?.text ?? '', /Opt-out: nothing to show/);
    const withMatrix = run(s, { type: 'optout/begin', title: 'cli', scenarios: [{ name: 'control', expectation: 'send' }] }, { type: 'tab-next' });
    assert.equal(withMatrix.tab, 'optout');
  });

  it('clears a message on the next key, not when a request arrives', () => {
    const s = run(loaded(), { type: 'flash', text: 'saved' });
    assert.equal(run(s, { type: 'results-added', results: [clean(99)] }).flash?.text, 'saved');
    assert.equal(run(s, { type: 'move', delta: 1 }).flash, undefined);
  });
});

describe('inspector reducer: filter and violations only', () => {
  it('applies a filter typed after "/" and keeps the selection when it still matches', () => {
    let s = run(loaded(), { type: 'move', delta: 3 }, { type: 'filter-open' }, { type: 'filter-edit', draft: 'kind:cli' });
    assert.equal(s.filter.editing, true);
    assert.equal(s.view.length, 10, 'nothing is filtered while typing');
    s = run(s, { type: 'filter-apply' });
    assert.equal(s.filter.applied, 'kind:cli');
    assert.deepEqual(s.view, [0, 1, 3, 4, 6, 7, 9]);
    assert.equal(selectedId(s), 'leaky-3');
  });

  it('moves the selection to the next match when the selected request is filtered out', () => {
    const s = run(loaded(), { type: 'move', delta: 2 }, { type: 'filter-open' }, { type: 'filter-edit', draft: 'kind:cli' }, { type: 'filter-apply' });
    assert.equal(selectedId(s), 'leaky-3');
  });

  it('keeps editing and shows the error of a filter that cannot apply', () => {
    const s = run(loaded(), { type: 'filter-open' }, { type: 'filter-edit', draft: 'verdict:bad' }, { type: 'filter-apply' });
    assert.equal(s.filter.editing, true);
    assert.match(s.filter.error ?? '', /fail, warn, pass or skip/);
    assert.equal(s.view.length, 10);
  });

  it('cancelling keeps the filter in force; clearing restores everything', () => {
    let s = run(loaded(), { type: 'filter-open' }, { type: 'filter-edit', draft: 'kind:server' }, { type: 'filter-apply' });
    assert.equal(s.view.length, 3);
    s = run(s, { type: 'filter-open' }, { type: 'filter-edit', draft: 'kind:cli' }, { type: 'filter-cancel' });
    assert.equal(s.filter.applied, 'kind:server');
    assert.equal(s.view.length, 3);
    s = run(s, { type: 'filter-clear' });
    assert.equal(s.view.length, 10);
  });

  it('shows failing requests only with "v", combined with the filter, and files new arrivals the same way', () => {
    let s = run(loaded(), { type: 'violations-toggle' });
    assert.deepEqual(s.view, [0, 3, 6, 9]);
    s = run(s, { type: 'filter-open' }, { type: 'filter-edit', draft: '-leaky-3' }, { type: 'filter-apply' });
    assert.deepEqual(s.view, [0, 6, 9]);
    s = run(s, { type: 'results-added', results: [clean(10), leaky(11), leaky(3)] });
    assert.deepEqual(s.view, [0, 6, 9, 11]);
    s = run(s, { type: 'violations-toggle' });
    assert.equal(s.view.length, 11, 'all 13 but the two leaky-3 the filter still excludes');
  });

  it('lists the failing requests kept as they arrive when "v" is on with no filter, new arrivals included', () => {
    let s = run(loaded(), { type: 'violations-toggle' }, { type: 'results-added', results: [clean(10), leaky(11)] });
    assert.deepEqual(s.view, [0, 3, 6, 9, 11]);
    s = run(s, { type: 'violations-toggle' }, { type: 'violations-toggle' });
    assert.deepEqual(s.view, [0, 3, 6, 9, 11]);
    s = run(s, { type: 'filter-open' }, { type: 'filter-edit', draft: 'leaky-11' }, { type: 'filter-apply' }, { type: 'filter-clear' });
    assert.deepEqual(s.view, [0, 3, 6, 9, 11]);
  });
});

describe('inspector reducer: the unfiltered view', () => {
  it('is every request in order after clearing, whatever other sessions hold, and arrivals never change an earlier state', () => {
    let s = run(loaded(), { type: 'filter-open' }, { type: 'filter-edit', draft: 'kind:server' }, { type: 'filter-apply' }, { type: 'filter-clear' });
    assert.deepEqual(s.view, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // A longer session elsewhere (the unfiltered view is shared between states of one length).
    const other = run(fresh(), { type: 'results-added', results: Array.from({ length: 14 }, (_, i) => clean(100 + i)) }, { type: 'violations-toggle' }, { type: 'violations-toggle' });
    assert.deepEqual(other.view, Array.from({ length: 14 }, (_, i) => i));
    const before = s;
    s = run(s, { type: 'results-added', results: [leaky(10), clean(11)] });
    assert.deepEqual(s.view, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    assert.deepEqual(before.view, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'the earlier state is unchanged');
    s = run(s, { type: 'violations-toggle' }, { type: 'violations-toggle' });
    assert.deepEqual(s.view, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    assert.deepEqual(run(loaded(), { type: 'filter-clear' }).view, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'and a shorter one after it');
  });
});

describe('inspector exit code', () => {
  it('is the exit code `audit` gives for the same results', async () => {
    for (const inputs of [['fixtures/hasura/wire'], ['fixtures/hasura/leaky'], ['fixtures/hasura/samples/cli.json']]) {
      const results = await fixtureResults(...inputs);
      const s = run(fresh(), { type: 'results-added', results }, { type: 'source-done' });
      const b = new SummaryBuilder();
      for (const r of results) b.add(r);
      for (const maxWarnings of [undefined, 0]) assert.equal(inspectorVerdict(s, maxWarnings).code, auditExitCode(b.build(), maxWarnings), `${inputs} max ${maxWarnings}`);
    }
  });

  it('does not pass a replay left before its end, nor one whose input failed, nor an empty one', () => {
    const partial = run(fresh(), { type: 'results-added', results: [clean(1)] });
    assert.equal(inspectorVerdict(partial, undefined).code, 2);
    assert.equal(inspectorVerdict(run(partial, { type: 'source-done' }), undefined).code, 0);
    assert.equal(inspectorVerdict(run(partial, { type: 'results-added', results: [leaky(2)] }), undefined).code, 1);
    assert.equal(inspectorVerdict(run(partial, { type: 'source-error', message: 'x: malformed' }), undefined).code, 2);
    assert.equal(inspectorVerdict(run(fresh(), { type: 'source-done' }), undefined).code, 2);
  });

  it("uses the opt-out run's verdict once it has one", () => {
    const s = run(loaded(), { type: 'optout/begin', title: 'cli', scenarios: [] }, { type: 'optout/verdict', label: 'INCONCLUSIVE', exitCode: 3 });
    assert.equal(inspectorVerdict(s, undefined).code, 3);
  });
});
