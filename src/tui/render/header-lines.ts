/** The two header lines: what is inspected and where the run stands, then the counts and verdict. */
import type { ExitVerdict } from '../state/exit-code.js';
import type { InspectorState } from '../state/inspector-state.js';
import { seg, type Line } from './line.js';
import { sanitize } from './text-fit.js';

export function headerLines(state: InspectorState, policyName: string, verdict: ExitVerdict): [Line, Line] {
  const { counts, source } = state;
  const first: Line = [seg('telemetry-audit inspect', 'heading'), seg(' · '), seg(sanitize(source.label), 'key'), seg(` · policy ${policyName}`, 'dim')];
  if (source.error) first.push(seg(`  ✗ ${sanitize(source.error)}`, 'fail'));
  else if (source.ended) {
    const how = source.ended.signal ? `signal ${source.ended.signal}` : source.ended.exitCode !== undefined && source.ended.exitCode !== null ? `exit ${source.ended.exitCode}` : 'ended';
    first.push(seg(`  ■ target ${how}`, 'dim'));
  } else if (source.active) first.push(seg(source.live ? '  ● live' : '  … reading', source.live ? 'pass' : 'accent'));
  if (source.status) first.push(seg(`  ${sanitize(source.status)}`, 'dim'));

  const kinds = Object.keys(counts.kinds).length;
  const second: Line = [
    seg(`${counts.requests} request${counts.requests === 1 ? '' : 's'}`, 'heading'),
    seg(` (${counts.audited} audited, ${counts.skipped} skipped) · ${kinds} kind${kinds === 1 ? '' : 's'} · `),
    seg(`${counts.errors} error${counts.errors === 1 ? '' : 's'}`, counts.errors > 0 ? 'fail' : 'dim'),
    seg(' · '),
    seg(`${counts.warnings} warning${counts.warnings === 1 ? '' : 's'}`, counts.warnings > 0 ? 'warn' : 'dim'),
    seg(' · '),
    seg(`${verdict.label} (exit ${verdict.code})`, verdict.tone),
  ];
  return [first, second];
}

/** Where the selection is and what is filtered, shown in the list's title row. */
export function positionText(state: InspectorState): string {
  const shown = state.view.length;
  const parts = [shown === 0 ? 'none listed' : `${state.cursor + 1}/${shown}`];
  if (state.filter.applied) parts.push(`filter ${sanitize(state.filter.applied)}`);
  if (state.violationsOnly) parts.push('violations only');
  return parts.join(' · ');
}
