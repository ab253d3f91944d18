/**
 * Results reach the store in batches: one dispatch (and one frame) per batch instead of per
 * request, so loading 100,000 requests or a burst from a live target costs a few renders.
 */
import type { RequestResult } from '../../engine/audit-request.js';
import type { Action } from '../state/actions.js';

export class ResultBatcher {
  private pending: RequestResult[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dispatch: (action: Action) => void,
    private readonly intervalMs = 50,
    private readonly maxBatch = 5000,
  ) {}

  add(result: RequestResult): void {
    this.pending.push(result);
    if (this.pending.length >= this.maxBatch) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const results = this.pending;
    this.pending = [];
    this.dispatch({ type: 'results-added', results });
  }
}
