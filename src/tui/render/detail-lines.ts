/**
 * The lines of the detail pane for the selected request and tab. Results are kept without
 * their parsed payloads (100,000 parsed payloads would not fit in memory comfortably), so the
 * selected request is decoded again by the same engine when it is shown.
 */
import type { RequestResult } from '../../engine/audit-request.js';
import type { InspectorState } from '../state/inspector-state.js';
import { previousResultOfKind, selectedResult } from '../state/inspector-state.js';
import { diffLines } from './diff-lines.js';
import { findingsLines } from './findings-lines.js';
import { helpLines } from './help-lines.js';
import { seg, type Line } from './line.js';
import { optoutLines } from './optout-lines.js';
import { payloadLines } from './payload-tree.js';
import { rawLines } from './raw-lines.js';
import { timeOf } from './list-row.js';

export interface DetailSource {
  /** The result with its payload and decoded body text (re-audited with keepPayload). */
  withPayload(result: RequestResult): RequestResult;
  /** The policy's documented sample for a kind. */
  sampleOf(kind: string): unknown;
}

export function detailLines(state: InspectorState, source: DetailSource, width: number): Line[] {
  if (state.help) return helpLines();
  if (state.tab === 'optout') {
    return state.optout ? optoutLines(state.optout, width) : [[seg('No opt-out run in this session.', 'dim')]];
  }
  const result = selectedResult(state);
  if (!result) {
    if (state.results.length === 0) return [[seg(state.source.active ? 'Waiting for requests…' : 'No requests were read.', 'dim')]];
    return [[seg('No request matches the filter (Esc clears it).', 'dim')]];
  }
  switch (state.tab) {
    case 'findings':
      return findingsLines(result, state.reveal, width);
    case 'raw':
      return rawLines(result.request, source.withPayload(result).bodyText, width);
    case 'payload': {
      const full = source.withPayload(result);
      return payloadLines(full.payload, full.payload !== undefined, result.findings, width);
    }
    case 'diff': {
      const full = source.withPayload(result);
      const prev = previousResultOfKind(state);
      const prevFull = prev ? source.withPayload(prev) : undefined;
      return diffLines({
        kind: result.kind,
        payload: full.payload,
        hasPayload: full.payload !== undefined,
        ...(result.kind !== null ? { sample: source.sampleOf(result.kind) } : {}),
        ...(prev && prevFull?.payload !== undefined ? { previous: { label: `${timeOf(prev.request.time)}, ${prev.request.id}`, payload: prevFull.payload } } : {}),
      });
    }
  }
}
