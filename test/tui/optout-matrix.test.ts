/** The opt-out matrix state, driven by the actions issue 5's runner dispatches and by results. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Action } from '../../src/tui/state/actions.js';
import { inspectorReducer } from '../../src/tui/state/inspector-reducer.js';
import { initialState, type InspectorState } from '../../src/tui/state/inspector-state.js';
import { meetsExpectation } from '../../src/tui/state/optout-matrix.js';
import { optoutLines } from '../../src/tui/render/optout-lines.js';
import { lineText } from '../../src/tui/render/line.js';
import { feedAuditor } from '../helpers/tui-session.js';
import { cliFlat, httpRequest } from '../helpers/requests.js';
import { audit } from '../helpers/tui-session.js';

const run = (s: InspectorState, ...actions: Action[]) => actions.reduce(inspectorReducer, s);
const sent = (scenario: string, leaky = false) =>
  audit(httpRequest(cliFlat(leaky ? { command: 'hasura migrate apply --admin-secret' } : {}), { origin: { kind: 'process', command: 'hasura version', scenario } }));

function begun(): InspectorState {
  return run(initialState({ size: { columns: 100, rows: 30 }, source: { label: 'optout', live: true } }), {
    type: 'optout/begin',
    title: 'hasura-cli',
    scenarios: [
      { name: 'control', expectation: 'send' },
      { name: 'env false', expectation: 'suppress' },
      { name: 'config file', expectation: 'suppress' },
      { name: 'DO_NOT_TRACK=1', expectation: 'inform' },
    ],
  });
}

describe('opt-out matrix', () => {
  it('starts with every scenario pending', () => {
    const rows = begun().optout!.scenarios;
    assert.deepEqual(rows.map((r) => [r.name, r.phase, r.outcome, r.requests]), [
      ['control', 'waiting', 'pending', 0],
      ['env false', 'waiting', 'pending', 0],
      ['config file', 'waiting', 'pending', 0],
      ['DO_NOT_TRACK=1', 'waiting', 'pending', 0],
    ]);
  });

  it('counts requests, findings and bypass attempts per scenario from the results that arrive', () => {
    const bypass = feedAuditor.connection({ type: 'connection', rule: 'live/proxy-bypass', severity: 'error', message: 'bypassed the proxy', host: '203.0.113.9', port: 443, scenario: 'config file', time: '2026-11-02T09:15:02Z' })!;
    const s = run(begun(), { type: 'results-added', results: [sent('control'), sent('control'), sent('config file', true), bypass, audit(httpRequest(cliFlat()))] });
    const byName = Object.fromEntries(s.optout!.scenarios.map((r) => [r.name, r]));
    assert.equal(byName['control']!.requests, 2);
    assert.equal(byName['control']!.errors, 0);
    assert.equal(byName['control']!.warnings, 2);
    assert.equal(byName['config file']!.requests, 1);
    assert.equal(byName['config file']!.bypasses, 1);
    assert.equal(byName['config file']!.errors, 2, 'the leaked flag and the bypass');
    assert.equal(byName['env false']!.requests, 0);
    assert.equal(s.results.length, 5, 'the requests are in the list too');
  });

  it('shows progress and the outcome the runner decided, judged against the expectation', () => {
    let s = run(begun(), { type: 'optout/progress', scenario: 'env false', phase: 'quiet-window', progress: 0.5 });
    assert.equal(s.optout!.scenarios[1]!.progress, 0.5);
    s = run(
      s,
      { type: 'optout/outcome', scenario: 'control', outcome: 'sent' },
      { type: 'optout/outcome', scenario: 'env false', outcome: 'suppressed' },
      { type: 'optout/outcome', scenario: 'config file', outcome: 'sent' },
      { type: 'optout/outcome', scenario: 'DO_NOT_TRACK=1', outcome: 'sent' },
    );
    assert.deepEqual(s.optout!.scenarios.map(meetsExpectation), [true, true, false, undefined]);
    assert.ok(s.optout!.scenarios.every((r) => r.phase === 'done'));
    assert.equal(meetsExpectation({ expectation: 'refuse', outcome: 'refused-to-start' }), true);
    assert.equal(meetsExpectation({ expectation: 'suppress', outcome: 'inconclusive' }), false);
  });

  it('adds a row for a scenario the runner did not announce, rather than dropping what it sent', () => {
    const s = run(begun(), { type: 'results-added', results: [sent('surprise')] });
    assert.equal(s.optout!.scenarios.at(-1)!.name, 'surprise');
    assert.equal(s.optout!.scenarios.at(-1)!.requests, 1);
  });

  it('renders the matrix from state: one row per scenario with its marks', () => {
    const s = run(
      begun(),
      { type: 'results-added', results: [sent('control'), sent('config file')] },
      { type: 'optout/outcome', scenario: 'control', outcome: 'sent' },
      { type: 'optout/outcome', scenario: 'config file', outcome: 'sent' },
      { type: 'optout/progress', scenario: 'env false', phase: 'quiet-window', progress: 0.3 },
      { type: 'optout/verdict', label: 'LEAKED: config file', exitCode: 1 },
    );
    const lines = optoutLines(s.optout!, 100).map(lineText);
    assert.equal(lines[0], 'Opt-out matrix · hasura-cli');
    assert.equal(lines[1], 'LEAKED: config file (exit 1)');
    assert.match(lines.find((l) => l.startsWith('control'))!, /^control\s+send\s+1\s+0\s+✓ sent/);
    assert.match(lines.find((l) => l.startsWith('config file'))!, /^config file\s+suppress\s+1\s+0\s+✗ sent/);
    assert.match(lines.find((l) => l.startsWith('env false'))!, /^env false\s+suppress\s+0\s+0\s+… quiet window\s+███░░░░░░░ quiet window$/);
  });
});
