/**
 * Replay: read captures with the same readers as `audit`, audit each request once with the
 * same engine, and hand the results to the store while the UI stays responsive (the loop
 * yields to the event loop every few milliseconds so keys are handled during a long read).
 */
import type { CapturedRequest } from '../../capture/captured-request.js';
import type { RequestResult } from '../../engine/audit-request.js';
import type { Action } from '../state/actions.js';
import { ResultBatcher } from './result-batcher.js';

const SLICE_MS = 12;

export interface ReplayHandle {
  /** Resolves when every input was read (or reading failed, which is dispatched, not thrown). */
  done: Promise<void>;
  /** Stop reading (the user quit before the end). */
  cancel(): void;
}

export function startReplay(requests: AsyncIterable<CapturedRequest>, audit: (r: CapturedRequest) => RequestResult, dispatch: (a: Action) => void): ReplayHandle {
  let cancelled = false;
  const batcher = new ResultBatcher(dispatch);
  const done = (async () => {
    let sliceStart = performance.now();
    try {
      for await (const request of requests) {
        if (cancelled) return;
        batcher.add(audit(request));
        if (performance.now() - sliceStart > SLICE_MS) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          sliceStart = performance.now();
        }
      }
      batcher.flush();
      if (!cancelled) dispatch({ type: 'source-done' });
    } catch (err) {
      batcher.flush();
      dispatch({ type: 'source-error', message: (err as Error)?.message ?? String(err) });
    }
  })();
  return {
    done,
    cancel() {
      cancelled = true;
    },
  };
}
