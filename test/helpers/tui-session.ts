/** A real audit setup (the Hasura pack, default detectors) and fixture results for TUI tests. */
import path from 'node:path';
import { readInputs, resolveInputs } from '../../src/capture/read-inputs.js';
import type { CapturedRequest } from '../../src/capture/captured-request.js';
import { DEFAULT_DETECTORS } from '../../src/detectors/default-detectors.js';
import { auditRequest, type AuditOptions, type RequestResult } from '../../src/engine/audit-request.js';
import { compilePolicy } from '../../src/engine/compiled-policy.js';
import { hasuraPolicy } from '../../src/policy/packs/hasura/index.js';
import { createStore } from '../../src/tui/state/store.js';
import { initialState } from '../../src/tui/state/inspector-state.js';
import { REPO_ROOT } from './paths.js';
import type { FeedEvent } from '../../src/capture/capture-feed.js';
import { connectionResult } from '../../src/live/connection-result.js';

export const compiled = compilePolicy(
  hasuraPolicy,
  DEFAULT_DETECTORS.map((d) => ({ id: d.id, severity: d.severity, title: d.title, description: d.description })),
);
export const auditOptions: AuditOptions = { detectors: DEFAULT_DETECTORS };
export const session = { compiled, auditOptions, policy: hasuraPolicy };

export function audit(request: CapturedRequest): RequestResult {
  return auditRequest(request, compiled, auditOptions);
}

/** Results of fixture inputs (paths relative to the repository), read and audited as `audit` does. */
export async function fixtureResults(...inputs: string[]): Promise<RequestResult[]> {
  const sources = await resolveInputs(inputs, REPO_ROOT);
  const out: RequestResult[] = [];
  for await (const r of readInputs(sources)) out.push(audit(r));
  return out;
}

export function storeWith(results: readonly RequestResult[], size = { columns: 100, rows: 30 }, label = 'test') {
  const store = createStore(initialState({ size, source: { label, live: false } }));
  store.dispatch({ type: 'results-added', results });
  store.dispatch({ type: 'source-done' });
  return store;
}

export const fixturePath = (...p: string[]) => path.join(REPO_ROOT, 'fixtures', ...p);

/** What a live feed needs: the audit, and the result a connection event stands for. */
export const feedAuditor = {
  audit,
  connection: (event: Extract<FeedEvent, { type: 'connection' }>) => connectionResult(event, compiled, { kind: 'process' }),
};
