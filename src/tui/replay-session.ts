/**
 * The inspector's store and a replay into it, without React or Ink: `inspect FILES` starts
 * reading and auditing (and the audit workers start) while the UI's modules are still loading,
 * instead of after (issue 15: React, Ink and Yoga take a few hundred milliseconds to load, in
 * which the workers would otherwise sit idle).
 */
import type { CaptureLines } from '../capture/capture-lines.js';
import type { CapturedRequest } from '../capture/captured-request.js';
import type { AuditRun } from '../cli/audit-run.js';
import type { CliIO } from '../cli/command.js';
import { initialState } from './state/inspector-state.js';
import type { OptoutState } from './state/optout-matrix.js';
import { createStore, type InspectorStore } from './state/store.js';
import { startReplay, type ReplayHandle } from './sources/replay-source.js';
import { SharedStrings } from './sources/shared-strings.js';

/** An empty store sized to the terminal. */
export function inspectorStore(io: CliIO, label: string, live: boolean, optout?: OptoutState): InspectorStore {
  const stdout = io.stdout as NodeJS.WriteStream;
  return createStore(
    initialState({
      size: { columns: stdout.columns || 80, rows: stdout.rows || 24 },
      source: { label, live },
      ...(optout ? { optout } : {}),
    }),
  );
}

export interface StartedReplay {
  store: InspectorStore;
  replay: ReplayHandle;
}

/** Read and audit `requests` into a store (a new one by default), on `jobs` threads, as `audit --jobs` would. */
export function startReplaySession(io: CliIO, run: AuditRun, label: string, requests: AsyncIterable<CapturedRequest | CaptureLines>, jobs = 1, store = inspectorStore(io, label, false)): StartedReplay {
  const shared = new SharedStrings();
  const replay = startReplay(requests, (all, add) => run.auditEach(all, jobs, (r) => add(run.withBaselines(r)), { settle: (r) => shared.share(r), keepsResults: true }), store.dispatch);
  return { store, replay };
}
