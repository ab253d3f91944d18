/**
 * Replay: read captures with the same readers as `audit`, audit each request once with the
 * same engine (on the worker pool `audit --jobs` uses, when the input is long enough), and
 * hand the results to the store in input order while the UI stays responsive: the loop yields
 * to the event loop every few milliseconds, so keys and frames are handled during a long read.
 */
import { isCaptureLines, requestsOfCaptureLines, type CaptureLines } from '../../capture/capture-lines.js';
import type { CapturedRequest } from '../../capture/captured-request.js';
import type { RequestResult } from '../../engine/audit-request.js';
import type { Action } from '../state/actions.js';
import { ResultBatcher } from './result-batcher.js';

const SLICE_MS = 12;
/**
 * A replay's results reach the screen four times a second: each frame (a full Ink render) and
 * each batch folded into the state cost the main thread what it would otherwise spend reading
 * and packing requests for the audit workers. Profiled on 20,000 requests at ten a second,
 * frames took 17% of the main thread and the folding 4% (issue 15: inspect loads at ≥ 0.8x
 * audit's rate). Keys are not batched: they draw at once.
 */
const FRAME_INTERVAL_MS = 250;

/**
 * Audit every request of `requests` in order and give each result to `add` (awaiting what it
 * returns): `AuditRun.auditEach` on the CLI's threads, or `inThread` for one audit function.
 */
export type AuditAll = (requests: AsyncIterable<CapturedRequest | CaptureLines>, add: (result: RequestResult) => unknown) => Promise<void>;

export function inThread(audit: (r: CapturedRequest) => RequestResult): AuditAll {
  return async (requests, add) => {
    for await (const unit of requests) {
      if (!isCaptureLines(unit)) await add(audit(unit));
      else for (const request of requestsOfCaptureLines(unit)) await add(audit(request));
    }
  };
}

export interface ReplayHandle {
  /** Resolves when every input was read (or reading failed, which is dispatched, not thrown). */
  done: Promise<void>;
  /** Stop reading (the user quit before the end). */
  cancel(): void;
}

class Cancelled extends Error {}

export function startReplay(requests: AsyncIterable<CapturedRequest | CaptureLines>, auditAll: AuditAll, dispatch: (a: Action) => void): ReplayHandle {
  let cancelled = false;
  const batcher = new ResultBatcher(dispatch, FRAME_INTERVAL_MS);
  let sliceStart = performance.now();
  const add = (result: RequestResult): Promise<void> | undefined => {
    if (cancelled) throw new Cancelled('the inspector quit');
    batcher.add(result);
    if (performance.now() - sliceStart <= SLICE_MS) return undefined;
    return new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      sliceStart = performance.now();
    });
  };
  const done = (async () => {
    try {
      await auditAll(requests, add);
      batcher.flush();
      if (!cancelled) dispatch({ type: 'source-done' });
    } catch (err) {
      if (err instanceof Cancelled) return;
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
