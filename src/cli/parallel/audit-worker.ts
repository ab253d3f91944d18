/**
 * An audit worker thread: compiles the recipe once, then audits what it is sent. A batch of
 * requests gets back what the main thread cannot recompute (kind, verdict, findings); raw
 * capture lines are parsed here too, and their requests go back with their results, so the
 * main thread of a replay only reads, hands out and reports. With a render plan in the recipe,
 * a worker also writes the reports' text of what it audited (see rendered-run.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { requestsOfCaptureLines } from '../../capture/capture-lines.js';
import type { CapturedRequest } from '../../capture/captured-request.js';
import { InputError } from '../../capture/input-error.js';
import { auditRequest } from '../../engine/audit-request.js';
import { cookRecipe, type AuditRecipe } from './audit-recipe.js';
import { packFullOfBatch, packFullOfLines, RunRenderer } from './rendered-run.js';
import { packLinesReply, slimOf, unpackBatch, unpackLines, type BatchReply, type WorkMessage } from './batch.js';

const port = parentPort;
if (!port) throw new Error('audit-worker runs as a worker thread');
const recipe = workerData as AuditRecipe;
const { compiled, options } = cookRecipe(recipe);
const renderer = recipe.render ? await RunRenderer.load(recipe.render) : null;
const planned = (): RunRenderer => {
  if (!renderer) throw new Error('asked to render reports without a plan');
  return renderer;
};

port.on('message', (msg: WorkMessage) => {
  let reply: BatchReply;
  let transfer: ArrayBuffer[] = [];
  try {
    if ('lines' in msg) {
      const unit = unpackLines(msg);
      const requests: CapturedRequest[] = [];
      let inputError: string | undefined;
      try {
        for (const r of requestsOfCaptureLines(unit)) requests.push(r);
      } catch (err) {
        // A malformed record ends the input where it stands, as it does on one thread.
        if (!(err instanceof InputError)) throw err;
        inputError = err.message;
      }
      const results = requests.map((r) => auditRequest(r, compiled, options));
      if (msg.render) {
        const rendered = planned().render(results, packFullOfLines(unit, results));
        reply = { id: msg.id, rendered: rendered.wire, ...(inputError !== undefined ? { inputError } : {}) };
        transfer = rendered.transfer;
      } else {
        ({ reply, transfer } = packLinesReply(msg.id, unit, results, inputError));
      }
    } else if (msg.render) {
      const results = unpackBatch(msg).map((r) => auditRequest(r, compiled, options));
      reply = { id: msg.id, rendered: planned().render(results, packFullOfBatch(results)).wire };
    } else {
      reply = { id: msg.id, results: unpackBatch(msg).map((r) => slimOf(auditRequest(r, compiled, options))) };
    }
  } catch (err) {
    reply = { id: msg.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  port.postMessage(reply, transfer);
});
