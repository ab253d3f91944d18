/**
 * Audit on all cores: batches of requests go to a pool of worker threads, and results come
 * back in input order, so reports and exit codes are the same bytes a single thread gives.
 * The engine is pure, so a worker given the same recipe judges every request the same way.
 */
import type { Worker } from 'node:worker_threads';
import { workerThreads } from '../../runtime/lazy-builtins.js';
import type { CapturedRequest } from '../../capture/captured-request.js';
import type { RequestResult } from '../../engine/audit-request.js';
import type { AuditRecipe } from './audit-recipe.js';
import { joinResult, packBatch, type BatchReply } from './batch.js';

const WORKER = new URL('./audit-worker.js', import.meta.url);

interface Slot {
  worker: Worker;
  busy: number;
}

export class AuditPool {
  private readonly slots: Slot[];
  private readonly waiting = new Map<number, { resolve: (r: BatchReply) => void; slot: Slot }>();
  private nextId = 0;
  private failure: Error | null = null;

  constructor(recipe: AuditRecipe, jobs: number) {
    const { Worker } = workerThreads();
    this.slots = Array.from({ length: jobs }, () => {
      const slot: Slot = { worker: new Worker(WORKER, { workerData: recipe }), busy: 0 };
      slot.worker.on('message', (reply: BatchReply) => {
        const w = this.waiting.get(reply.id);
        if (!w) return;
        this.waiting.delete(reply.id);
        slot.busy--;
        w.resolve(reply);
      });
      // A worker that dies fails every batch it held and every batch after: nothing is skipped.
      slot.worker.on('error', (err) => this.fail(err));
      slot.worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`an audit worker exited with code ${code}`));
      });
      return slot;
    });
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const [id, w] of this.waiting) w.resolve({ id, error: this.failure.message });
    this.waiting.clear();
  }

  /** Audit one batch on the least busy worker; resolves with results in the batch's order. */
  audit(requests: readonly CapturedRequest[]): Promise<RequestResult[]> {
    if (this.failure) return Promise.reject(this.failure);
    const slot = this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    const { message, transfer } = packBatch(id, requests);
    return new Promise<BatchReply>((resolve) => {
      this.waiting.set(id, { resolve, slot });
      slot.busy++;
      slot.worker.postMessage(message, transfer);
    }).then((reply) => {
      if ('error' in reply) throw new Error(`audit worker failed: ${reply.error}`);
      if (reply.results.length !== requests.length) throw new Error(`audit worker returned ${reply.results.length} results for ${requests.length} requests`);
      return reply.results.map((slim, i) => joinResult(requests[i]!, slim));
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

export interface ParallelOptions {
  jobs: number;
  /** Requests per batch sent to a worker. */
  batch?: number;
  /** Requests audited in this thread before a pool is worth starting (a worker takes time to load). */
  startAfter?: number;
}

/**
 * Feed every request of `source` to `add` in input order, audited by `audit` in this thread
 * at first and, once the input proves long enough to be worth it, by a pool of `jobs` workers.
 */
export async function auditInOrder(
  source: AsyncIterable<CapturedRequest>,
  recipe: AuditRecipe | null,
  audit: (r: CapturedRequest) => RequestResult,
  add: (r: RequestResult) => unknown,
  opts: ParallelOptions,
): Promise<void> {
  const batchSize = opts.batch ?? 256;
  const startAfter = opts.startAfter ?? 2048;
  // Batches in flight, oldest first: their results are added strictly in this order.
  const inFlight: Array<Promise<RequestResult[]>> = [];
  const maxInFlight = opts.jobs * 3;
  let pool: AuditPool | null = null;
  let batch: CapturedRequest[] = [];
  let seen = 0;
  const drainOne = async () => {
    for (const r of await inFlight.shift()!) await add(r);
  };
  let readError: unknown = null;
  try {
    try {
      for await (const request of source) {
        seen++;
        if (pool === null) {
          if (recipe === null || opts.jobs <= 1 || seen <= startAfter) {
            await add(audit(request));
            continue;
          }
          pool = new AuditPool(recipe, opts.jobs);
        }
        batch.push(request);
        if (batch.length >= batchSize) {
          inFlight.push(handled(pool.audit(batch)));
          batch = [];
          while (inFlight.length >= maxInFlight) await drainOne();
        }
      }
    } catch (err) {
      // What was read before the input failed is still audited and reported, as one thread would.
      readError = err;
    }
    if (pool !== null && batch.length > 0) inFlight.push(handled(pool.audit(batch)));
    while (inFlight.length > 0) await drainOne();
    if (readError !== null) throw readError;
  } finally {
    await pool?.close();
  }
}

/** A batch may fail while an older one is awaited; its rejection is seen when its turn comes. */
function handled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}
