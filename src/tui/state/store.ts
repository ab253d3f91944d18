/**
 * A minimal store around the reducer: sources (a replay, a live feed, the opt-out runner)
 * dispatch from outside React, the components subscribe with useSyncExternalStore, and the
 * entry point reads the final state for the exit code.
 */
import type { Action } from './actions.js';
import { inspectorReducer } from './inspector-reducer.js';
import type { InspectorState } from './inspector-state.js';

export interface InspectorStore {
  getState(): InspectorState;
  dispatch(action: Action): void;
  subscribe(listener: () => void): () => void;
}

export function createStore(initial: InspectorState, reducer = inspectorReducer): InspectorStore {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    dispatch(action) {
      const next = reducer(state, action);
      if (next === state) return;
      state = next;
      for (const l of [...listeners]) l();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
