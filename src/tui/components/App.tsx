/**
 * The inspector's root: subscribes to the store, derives the layout and the detail lines once
 * per change, routes keys through the key table, and lays out the panes.
 */
import { Box, Text, useApp, useInput, useStdout } from 'ink';
import { useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import type { RequestResult } from '../../engine/audit-request.js';
import type { Effect } from '../keys/command-action.js';
import type { InkKey } from '../keys/key-name.js';
import { routeInput } from '../keys/key-router.js';
import { detailLines, type DetailSource } from '../render/detail-lines.js';
import { inspectorVerdict } from '../state/exit-code.js';
import { layoutFor, MIN_SIZE } from '../state/layout.js';
import type { InspectorStore } from '../state/store.js';
import { DetailPane } from './DetailPane.js';
import { Footer } from './Footer.js';
import { Header } from './Header.js';
import { ColorContext, InspectorContext, type InspectorView } from './InspectorContext.js';
import { RequestList } from './RequestList.js';

/** What the keys `s`, `r` and `q` do outside the state; each returns a message for the footer. */
export interface InspectorEffects {
  save(results: readonly RequestResult[]): Promise<string>;
  report(results: readonly RequestResult[]): Promise<string>;
  /** Called once before the app exits (stop a live target, flush files). */
  beforeQuit?(): Promise<void>;
}

export interface AppProps {
  store: InspectorStore;
  detail: DetailSource;
  effects: InspectorEffects;
  policyName: string;
  maxWarnings: number | undefined;
  color: boolean;
}

export function App({ store, detail: detailSource, effects, policyName, maxWarnings, color }: AppProps) {
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const { exit } = useApp();
  const { stdout } = useStdout();
  const layout = layoutFor(state.size);
  // The help takes the whole body; the detail pane its share beside or below the list.
  const detailRows = state.help ? layout.bodyRows - 1 : layout.detailRows;
  const detailWidth = state.help ? layout.columns : layout.detailWidth;
  const verdict = inspectorVerdict(state, maxWarnings);
  const selected = state.view[state.cursor];
  const detail = useMemo(
    () => detailLines(state, detailSource, detailWidth),
    // The detail depends on these only: a request arriving while another is shown must not
    // rebuild (and re-decode) it.
    [selected, state.tab, state.help, state.reveal, state.optout, detailWidth, state.source.active, state.results.length === 0, state.view.length === 0],
  );
  const busy = useRef(false);

  useEffect(() => {
    const onResize = () => {
      if (stdout.columns && stdout.rows) store.dispatch({ type: 'resize', columns: stdout.columns, rows: stdout.rows });
    };
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, store]);

  const runEffect = (effect: Effect): void => {
    if (busy.current) return;
    busy.current = true;
    const s = store.getState();
    const listed = s.view.map((i) => s.results[i]!);
    const done = (text: string, tone: 'info' | 'error' = 'info') => {
      busy.current = false;
      store.dispatch({ type: 'flash', text, tone });
    };
    if (effect === 'quit') {
      store.dispatch({ type: 'flash', text: 'quitting…' });
      void (effects.beforeQuit?.() ?? Promise.resolve()).finally(() => exit());
      return;
    }
    store.dispatch({ type: 'flash', text: effect === 'save' ? 'saving…' : 'writing the report…' });
    (effect === 'save' ? effects.save(listed) : effects.report(listed)).then(
      (message) => done(message),
      (err: unknown) => done(`${effect === 'save' ? 'save' : 'report'} failed: ${(err as Error)?.message ?? String(err)}`, 'error'),
    );
  };

  useInput((input, key) => {
    routeInput(input, key as InkKey, {
      getState: store.getState,
      dispatch: store.dispatch,
      effect: runEffect,
      detail: () => ({ lines: detail.length, rows: detailRows }),
    });
  });

  const view: InspectorView = { state, dispatch: store.dispatch, layout, verdict, detail, policyName };
  const height = Math.max(1, state.size.rows - 1);
  return (
    <ColorContext.Provider value={color}>
      <InspectorContext.Provider value={view}>
        {layout.mode === 'too-small' ? (
          <Box flexDirection="column">
            <Text>
              The terminal is {state.size.columns}x{state.size.rows}; the inspector needs at least {MIN_SIZE.columns}x{MIN_SIZE.rows}.
            </Text>
            <Text>Enlarge it, or press q to quit.</Text>
          </Box>
        ) : (
          <Box flexDirection="column" width={layout.columns} height={height}>
            <Header />
            {state.help ? (
              <DetailPane rows={detailRows} width={detailWidth} />
            ) : layout.mode === 'side' ? (
              <Box flexDirection="row">
                <RequestList />
                <Box width={1} />
                <DetailPane rows={detailRows} width={detailWidth} />
              </Box>
            ) : (
              <Box flexDirection="column">
                <RequestList />
                <DetailPane rows={detailRows} width={detailWidth} />
              </Box>
            )}
            <Footer />
          </Box>
        )}
      </InspectorContext.Provider>
    </ColorContext.Provider>
  );
}
