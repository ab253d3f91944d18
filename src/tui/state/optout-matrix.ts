/**
 * The opt-out matrix as state: one row per scenario, filled in as the opt-out runner (issue 5)
 * dispatches its progress. Requests and bypass attempts are counted from the results
 * themselves (a result whose origin names the scenario), so the matrix and the request list can
 * never disagree; the runner only reports phases and the outcome it decided.
 */
import type { RequestResult } from '../../engine/audit-request.js';

/** What the scenario is expected to do: send (the control), stay silent, refuse to start, or just be observed. */
export type Expectation = 'send' | 'suppress' | 'refuse' | 'inform';

export type ScenarioOutcome = 'pending' | 'suppressed' | 'sent' | 'refused-to-start' | 'inconclusive' | 'error';

export type ScenarioPhase = 'waiting' | 'starting' | 'running' | 'quiet-window' | 'done';

export interface ScenarioRow {
  name: string;
  expectation: Expectation;
  description?: string;
  phase: ScenarioPhase;
  /** 0..1 through the phase (e.g. the quiet window), when the runner knows it. */
  progress?: number;
  message?: string;
  requests: number;
  bypasses: number;
  errors: number;
  warnings: number;
  outcome: ScenarioOutcome;
}

export interface OptoutState {
  title: string;
  scenarios: ScenarioRow[];
  /** Set when the run is over: its verdict line and the exit code it decided. */
  verdict?: { label: string; exitCode: number };
}

export type OptoutAction =
  | { type: 'optout/begin'; title: string; scenarios: Array<{ name: string; expectation: Expectation; description?: string }> }
  | { type: 'optout/progress'; scenario: string; phase: ScenarioPhase; progress?: number; message?: string }
  | { type: 'optout/outcome'; scenario: string; outcome: ScenarioOutcome; message?: string }
  | { type: 'optout/verdict'; label: string; exitCode: number };

export function isOptoutAction(action: { type: string }): action is OptoutAction {
  return action.type.startsWith('optout/');
}

/** A connection attempt that bypassed interception travels as a result with method CONNECT. */
export function isBypassResult(result: RequestResult): boolean {
  return result.request.method === 'CONNECT';
}

export function scenarioOf(result: RequestResult): string | undefined {
  const o = result.request.origin;
  return o.kind === 'process' ? o.scenario : undefined;
}

/** Does the outcome meet the expectation? undefined while pending or for informational rows. */
export function meetsExpectation(row: Pick<ScenarioRow, 'expectation' | 'outcome'>): boolean | undefined {
  if (row.outcome === 'pending' || row.expectation === 'inform') return undefined;
  if (row.outcome === 'inconclusive' || row.outcome === 'error') return false;
  const wanted = { send: 'sent', suppress: 'suppressed', refuse: 'refused-to-start' } as const;
  return wanted[row.expectation] === row.outcome;
}

function updateRow(state: OptoutState, name: string, change: (row: ScenarioRow) => ScenarioRow): OptoutState {
  let found = false;
  const scenarios = state.scenarios.map((row) => {
    if (row.name !== name) return row;
    found = true;
    return change(row);
  });
  // A scenario the runner did not announce still shows: nothing it reports is dropped.
  if (!found) scenarios.push(change(newRow(name, 'inform')));
  return { ...state, scenarios };
}

function newRow(name: string, expectation: Expectation, description?: string): ScenarioRow {
  return { name, expectation, ...(description ? { description } : {}), phase: 'waiting', requests: 0, bypasses: 0, errors: 0, warnings: 0, outcome: 'pending' };
}

export function optoutReducer(state: OptoutState | undefined, action: OptoutAction): OptoutState | undefined {
  if (action.type === 'optout/begin') {
    return { title: action.title, scenarios: action.scenarios.map((s) => newRow(s.name, s.expectation, s.description)) };
  }
  if (!state) return state;
  switch (action.type) {
    case 'optout/progress':
      return updateRow(state, action.scenario, (row) => {
        const next: ScenarioRow = { ...row, phase: action.phase };
        if (action.progress !== undefined) next.progress = Math.max(0, Math.min(1, action.progress));
        else delete next.progress;
        if (action.message !== undefined) next.message = action.message;
        return next;
      });
    case 'optout/outcome':
      return updateRow(state, action.scenario, (row) => ({
        ...row,
        outcome: action.outcome,
        phase: 'done',
        ...(action.message !== undefined ? { message: action.message } : {}),
      }));
    case 'optout/verdict':
      return { ...state, verdict: { label: action.label, exitCode: action.exitCode } };
  }
}

/** Count what each scenario sent, from results as they arrive. */
export function countScenarioResults(state: OptoutState, results: readonly RequestResult[]): OptoutState {
  let next = state;
  for (const r of results) {
    const name = scenarioOf(r);
    if (name === undefined) continue;
    const bypass = isBypassResult(r);
    let errors = 0;
    let warnings = 0;
    for (const f of r.findings) {
      if (f.severity === 'error') errors++;
      else warnings++;
    }
    next = updateRow(next, name, (row) => ({
      ...row,
      requests: row.requests + (bypass ? 0 : 1),
      bypasses: row.bypasses + (bypass ? 1 : 0),
      errors: row.errors + errors,
      warnings: row.warnings + warnings,
    }));
  }
  return next;
}
