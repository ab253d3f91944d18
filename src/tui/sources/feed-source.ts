/**
 * Live: subscribe to a CaptureFeed (the proxy of `run`, a followed capture file, the opt-out
 * runner's scenarios), audit each request as it arrives, and turn the feed's other events into
 * state: connection attempts into results, status into the header, the end into "ended".
 */
import type { CaptureFeed, FeedEvent } from '../../capture/capture-feed.js';
import type { CapturedRequest } from '../../capture/captured-request.js';
import type { RequestResult } from '../../engine/audit-request.js';
import type { Action } from '../state/actions.js';
import { ResultBatcher } from './result-batcher.js';

/** The actions one feed event leads to (besides its result). Pure, for tests and the opt-out runner. */
export function feedEventActions(event: FeedEvent): Action[] {
  switch (event.type) {
    case 'request':
    case 'connection':
      return [];
    case 'status':
      return event.scenario !== undefined
        ? [{ type: 'optout/progress', scenario: event.scenario, phase: 'running', message: event.message }]
        : [{ type: 'source-status', status: event.message }];
    case 'end':
      return event.scenario !== undefined
        ? [{ type: 'optout/progress', scenario: event.scenario, phase: 'done' }]
        : [{ type: 'source-ended', ...(event.exitCode !== undefined ? { exitCode: event.exitCode } : {}), ...(event.signal !== undefined ? { signal: event.signal } : {}) }];
  }
}

export interface FeedHandle {
  /** Unsubscribe and stop the feed's target. */
  stop(): Promise<void>;
}

export interface FeedAuditor {
  audit(request: CapturedRequest): RequestResult;
  /** The result a connection event (bypass, refused CA) stands for, or null when the policy turns it off. */
  connection(event: Extract<FeedEvent, { type: 'connection' }>): RequestResult | null;
}

export function startFeed(feed: CaptureFeed, auditor: FeedAuditor, dispatch: (a: Action) => void): FeedHandle {
  const batcher = new ResultBatcher(dispatch);
  const unsubscribe = feed.subscribe((event) => {
    if (event.type === 'request') batcher.add(auditor.audit(event.request));
    else if (event.type === 'connection') {
      const result = auditor.connection(event);
      if (result) batcher.add(result);
    } else {
      // Results first, so the end of a feed is never shown before what it sent.
      batcher.flush();
      for (const action of feedEventActions(event)) dispatch(action);
    }
  });
  return {
    async stop() {
      unsubscribe();
      batcher.flush();
      await feed.stop();
    },
  };
}
