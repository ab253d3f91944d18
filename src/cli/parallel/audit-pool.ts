/**
 * Audit on all cores: batches of requests, or raw capture lines, go to a pool of worker
 * threads, and results come back in input order, so reports and exit codes are the same bytes
 * a single thread gives. The engine is pure, so a worker given the same recipe judges every
 * request the same way.
 */
import type { Worker } from 'node:worker_threads';
import { workerThreads } from '../../runtime/lazy-builtins.js';
import { isCaptureLines, requestsOfCaptureLines, type CaptureLines } from '../../capture/capture-lines.js';
import type { CapturedRequest } from '../../capture/captured-request.js';
import { InputError } from '../../capture/input-error.js';
import type { RequestResult } from '../../engine/audit-request.js';
import type { AuditRecipe, RenderPlan } from './audit-recipe.js';
import { renderedOfBatch, renderedOfLines, RunRenderer, type RenderedRun } from './rendered-run.js';
import { joinResult, packBatch, packLines, unpackLinesReply, type BatchReply, type LinesReply, type RenderedReply, type SlimReply, type WorkMessage } from './batch.js';

/**
 * One piece of work done, in input order: its results, or (when workers render the reports)
 * its rendered run; `inputError` ends the input after them.
 */
export type AuditedRun = ({ results: RequestResult[] } | { rendered: RenderedRun }) & { inputError?: InputError };

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

  constructor(
    private readonly recipe: AuditRecipe,
    jobs: number,
  ) {
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
    const { message, transfer } = packBatch(this.nextId, requests);
    return this.send(message, transfer).then((reply) => {
      if (!('results' in reply)) throw new Error('audit worker answered a batch with something else');
      if (reply.results.length !== requests.length) throw new Error(`audit worker returned ${reply.results.length} results for ${requests.length} requests`);
      return reply.results.map((slim, i) => joinResult(requests[i]!, slim));
    });
  }

  /** Parse and audit raw capture lines on the least busy worker. */
  auditLines(unit: CaptureLines): Promise<AuditedRun> {
    const { message, transfer } = packLines(this.nextId, unit);
    return this.send(message, transfer).then((reply) => {
      if (!('text' in reply)) throw new Error('audit worker answered lines with something else');
      const run: AuditedRun = { results: unpackLinesReply(unit, reply) };
      if (reply.inputError !== undefined) run.inputError = new InputError(reply.inputError);
      return run;
    });
  }

  /** Audit a batch and render its reports' share by the recipe's plan. */
  renderBatch(requests: readonly CapturedRequest[]): Promise<AuditedRun> {
    const plan = this.planned();
    const { message, transfer } = packBatch(this.nextId, requests);
    message.render = true;
    return this.send(message, transfer).then((reply) => {
      if (!('rendered' in reply)) throw new Error('audit worker answered a batch to render with results');
      return { rendered: renderedOfBatch(requests, reply.rendered, plan) };
    });
  }

  /** Parse and audit raw capture lines and render their reports' share by the recipe's plan. */
  renderLines(unit: CaptureLines): Promise<AuditedRun> {
    const plan = this.planned();
    const { message, transfer } = packLines(this.nextId, unit);
    message.render = true;
    return this.send(message, transfer).then((reply) => {
      if (!('rendered' in reply)) throw new Error('audit worker answered lines to render with results');
      const run: AuditedRun = { rendered: renderedOfLines(unit, reply.rendered, plan) };
      if (reply.inputError !== undefined) run.inputError = new InputError(reply.inputError);
      return run;
    });
  }

  private planned(): RenderPlan {
    if (!this.recipe.render) throw new Error('audit pool: no render plan');
    return this.recipe.render;
  }

  private send(message: WorkMessage, transfer: ArrayBuffer[]): Promise<SlimReply | LinesReply | RenderedReply> {
    if (this.failure) return Promise.reject(this.failure);
    const slot = this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    if (message.id !== id) throw new Error('audit pool: message ids out of step');
    return new Promise<BatchReply>((resolve) => {
      this.waiting.set(id, { resolve, slot });
      slot.busy++;
      slot.worker.postMessage(message, transfer);
    }).then((reply) => {
      if ('error' in reply) throw new Error(`audit worker failed: ${reply.error}`);
      return reply;
    });
  }

  /** True when some worker holds fewer than `depth` pieces of work. */
  hasRoom(depth: number): boolean {
    return this.slots.some((s) => s.busy < depth);
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
  /** Pieces of work queued per worker before this thread audits the next one itself. */
  depth?: number;
  /**
   * Applied to each result as soon as it exists, before it waits for its turn in input order
   * (the inspector shares repeated strings there, before copies of them outlive a collection).
   */
  settle?: (r: RequestResult) => RequestResult;
  /**
   * Takes what workers audited as rendered runs (the recipe has a RenderPlan), in input order
   * with the results `add` takes of what this thread audited.
   */
  rendered?: (run: RenderedRun) => unknown;
  /**
   * `add` keeps every result anyway (the inspector): what this thread audits while a worker is
   * behind may wait in order without costing memory the run would not hold, so it runs ahead.
   */
  keepsResults?: boolean;
}

/**
 * Feed every request of `source` to `add` in input order, audited by `audit` in this thread
 * at first and, once the input proves long enough to be worth it, on `jobs` threads: this one
 * and a pool of `jobs - 1` workers. Capture lines go to the workers raw (they parse them too).
 * A worker's share costs more CPU than the same work done here (the results cross threads,
 * and every isolate compiles and collects on its own), so this thread audits whatever the
 * workers have no room for rather than wait: on two cores that, not a second worker, is what
 * makes the run faster.
 */
export async function auditInOrder(
  source: AsyncIterable<CapturedRequest | CaptureLines>,
  recipe: AuditRecipe | null,
  audit: (r: CapturedRequest) => RequestResult,
  add: (r: RequestResult) => unknown,
  opts: ParallelOptions,
): Promise<void> {
  const batchSize = opts.batch ?? 256;
  const startAfter = opts.startAfter ?? 2048;
  // Work in flight, oldest first: its results are added strictly in this order.
  const inFlight: Array<Promise<AuditedRun>> = [];
  // Pieces of work queued per worker: enough that a worker never waits for this thread to be
  // scheduled again (on a busy machine that wait, per handoff, would cost more than the work).
  const depth = opts.depth ?? 6;
  const render = opts.rendered !== undefined && recipe?.render !== undefined;
  // What this thread audits itself while a worker is behind waits for it in order. Rendered, it
  // is small (the reports' text), so this thread may run well ahead of a worker the machine
  // has descheduled instead of waiting for it. Kept by the caller anyway, it costs nothing to
  // hold: then this thread runs further ahead still, through a new worker's start (loading and
  // compiling take a few hundred milliseconds, which the inspector spent idle, ~5% of a load).
  const maxInFlight = depth * opts.jobs + (opts.keepsResults ? 64 : render ? 32 : 2);
  const here = render ? await RunRenderer.load(recipe!.render!) : null;
  const settle = opts.settle ?? ((r: RequestResult) => r);
  const settled = (run: AuditedRun): AuditedRun => (opts.settle && 'results' in run ? { ...run, results: run.results.map(settle) } : run);
  let pool: AuditPool | null = null;
  let batch: CapturedRequest[] = [];
  let seen = 0;
  // A malformed record met on the pool: the input ends there, and nothing read after it is added.
  let ended: InputError | null = null;
  const drainOne = async () => {
    const run = await inFlight.shift()!;
    if ('rendered' in run) await opts.rendered!(run.rendered);
    else for (const r of run.results) await add(r);
    if (run.inputError) {
      ended = run.inputError;
      inFlight.length = 0;
      throw ended;
    }
  };
  const auditHere = (work: CaptureLines | CapturedRequest[]): AuditedRun => {
    const results: RequestResult[] = [];
    let inputError: InputError | undefined;
    try {
      for (const r of Array.isArray(work) ? work : requestsOfCaptureLines(work)) results.push(settle(audit(r)));
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      inputError = err;
    }
    const run: AuditedRun = here ? { rendered: here.renderHere(results) } : { results };
    if (inputError) run.inputError = inputError;
    return run;
  };
  const onPool = (p: AuditPool, work: CaptureLines | CapturedRequest[]): Promise<AuditedRun> => {
    if (Array.isArray(work)) return handled(render ? p.renderBatch(work) : p.audit(work).then((results) => settled({ results })));
    return handled(render ? p.renderLines(work) : p.auditLines(work).then(settled));
  };
  const dispatch = async (work: CaptureLines | CapturedRequest[]) => {
    const p = pool!;
    inFlight.push(p.hasRoom(depth) ? onPool(p, work) : Promise.resolve(auditHere(work)));
    while (inFlight.length >= maxInFlight) await drainOne();
  };
  const flushBatch = async () => {
    if (batch.length === 0) return;
    const work = batch;
    batch = [];
    await dispatch(work);
  };
  const worthAPool = (more: number) => recipe !== null && opts.jobs > 1 && seen + more > startAfter;
  let readError: unknown = null;
  try {
    try {
      for await (const unit of source) {
        if (isCaptureLines(unit)) {
          if (pool === null && !worthAPool(unit.block.lines)) {
            seen += unit.block.lines;
            for (const request of requestsOfCaptureLines(unit)) await add(settle(audit(request)));
            continue;
          }
          pool ??= new AuditPool(recipe!, opts.jobs - 1);
          await flushBatch();
          await dispatch(unit);
          continue;
        }
        if (pool === null) {
          if (!worthAPool(1)) {
            seen++;
            await add(settle(audit(unit)));
            continue;
          }
          pool = new AuditPool(recipe!, opts.jobs - 1);
        }
        batch.push(unit);
        if (batch.length >= batchSize) await flushBatch();
      }
    } catch (err) {
      if (err === ended) throw err;
      // What was read before the input failed is still audited and reported, as one thread would.
      readError = err;
    }
    if (pool !== null && batch.length > 0) {
      const work = batch;
      batch = [];
      inFlight.push(pool.hasRoom(depth) ? onPool(pool, work) : Promise.resolve(auditHere(work)));
    }
    while (inFlight.length > 0) await drainOne();
    if (readError !== null) throw readError;
  } finally {
    await pool?.close();
  }
}

/** Work may fail while older work is awaited; its rejection is seen when its turn comes. */
function handled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}
