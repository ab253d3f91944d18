/**
 * An audit worker thread: compiles the recipe once, then audits what it is sent. A batch of
 * requests gets back what the main thread cannot recompute (kind, verdict, findings); raw
 * capture lines are parsed here too, and their requests go back with their results, so the
 * main thread of a replay only reads, hands out and reports.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { requestsOfCaptureLines } from '../../capture/capture-lines.js';
import type { CapturedRequest } from '../../capture/captured-request.js';
import { InputError } from '../../capture/input-error.js';
import { auditRequest } from '../../engine/audit-request.js';
import { cookRecipe, type AuditRecipe } from './audit-recipe.js';
import { packLinesReply, slimOf, unpackBatch, unpackLines, type BatchReply, type WorkMessage } from './batch.js';

const port = parentPort;
if (!port) throw new Error('audit-worker runs as a worker thread');
const { compiled, options } = cookRecipe(workerData as AuditRecipe);

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
      ({ reply, transfer } = packLinesReply(msg.id, unit, requests.map((r) => auditRequest(r, compiled, options)), inputError));
    } else {
      reply = { id: msg.id, results: unpackBatch(msg).map((r) => slimOf(auditRequest(r, compiled, options))) };
    }
  } catch (err) {
    reply = { id: msg.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  port.postMessage(reply, transfer);
});
