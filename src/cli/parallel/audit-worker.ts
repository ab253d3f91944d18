/**
 * An audit worker thread: compiles the recipe once, then audits batches of requests and posts
 * back what the main thread cannot recompute (kind, verdict, findings). The request itself
 * stays with the main thread, which already holds it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { auditRequest } from '../../engine/audit-request.js';
import { cookRecipe, type AuditRecipe } from './audit-recipe.js';
import { unpackBatch, type AuditedSlim, type BatchMessage, type BatchReply } from './batch.js';

const port = parentPort;
if (!port) throw new Error('audit-worker runs as a worker thread');
const { compiled, options } = cookRecipe(workerData as AuditRecipe);

port.on('message', (msg: BatchMessage) => {
  let reply: BatchReply;
  try {
    const results: AuditedSlim[] = unpackBatch(msg).map((request) => {
      const r = auditRequest(request, compiled, options);
      const slim: AuditedSlim = { kind: r.kind, verdict: r.verdict, findings: r.findings };
      if (r.skipReason !== undefined) slim.skipReason = r.skipReason;
      return slim;
    });
    reply = { id: msg.id, results };
  } catch (err) {
    reply = { id: msg.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  port.postMessage(reply);
});
