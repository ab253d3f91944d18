/** What every component reads: the state, dispatch, and what the session knows (policy, colours). */
import { createContext, useContext } from 'react';
import type { Line } from '../render/line.js';
import type { Action } from '../state/actions.js';
import type { ExitVerdict } from '../state/exit-code.js';
import type { InspectorState } from '../state/inspector-state.js';
import type { Layout } from '../state/layout.js';

export interface InspectorView {
  state: InspectorState;
  dispatch: (action: Action) => void;
  layout: Layout;
  verdict: ExitVerdict;
  /** Lines of the detail pane for the current selection and tab. */
  detail: Line[];
  policyName: string;
}

export const InspectorContext = createContext<InspectorView | null>(null);

/** Colour on or off: its own context, constant for a session, so memoised lines stay memoised. */
export const ColorContext = createContext(false);

export function useInspector(): InspectorView {
  const view = useContext(InspectorContext);
  if (!view) throw new Error('useInspector outside <InspectorContext.Provider>');
  return view;
}
