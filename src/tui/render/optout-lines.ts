/** The Opt-out tab: the scenario matrix, one row per scenario, drawn from reducer state. */
import { meetsExpectation, type OptoutState, type ScenarioRow } from '../state/optout-matrix.js';
import { seg, type Line, type Tone } from './line.js';
import { padEnd, padStart, sanitize } from './text-fit.js';

const EXPECT: Record<ScenarioRow['expectation'], string> = { send: 'send', suppress: 'suppress', refuse: 'refuse start', inform: 'observe' };
const OUTCOME: Record<ScenarioRow['outcome'], string> = {
  pending: '',
  suppressed: 'suppressed',
  sent: 'sent',
  'refused-to-start': 'refused to start',
  inconclusive: 'inconclusive',
  error: 'error',
};
const PHASE: Record<ScenarioRow['phase'], string> = { waiting: 'waiting', starting: 'starting', running: 'running', 'quiet-window': 'quiet window', done: 'done' };

function bar(fraction: number, width: number): string {
  const filled = Math.round(fraction * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

export function optoutLines(optout: OptoutState, width: number): Line[] {
  const out: Line[] = [];
  const nameW = Math.max(10, Math.min(28, Math.max(0, ...optout.scenarios.map((s) => s.name.length)) + 2));
  out.push([seg(`Opt-out matrix · ${sanitize(optout.title)}`, 'heading')]);
  if (optout.verdict) out.push([seg(sanitize(optout.verdict.label), optout.verdict.exitCode === 0 ? 'pass' : 'fail'), seg(` (exit ${optout.verdict.exitCode})`, 'dim')]);
  out.push([]);
  out.push([
    seg(padEnd('scenario', nameW), 'dim'),
    seg(padEnd('expects', 13), 'dim'),
    seg(padStart('requests', 8), 'dim'),
    seg(padStart('bypass', 8), 'dim'),
    seg('  '),
    seg(padEnd('outcome', 20), 'dim'),
    seg('progress', 'dim'),
  ]);
  for (const row of optout.scenarios) {
    const ok = meetsExpectation(row);
    const tone: Tone = ok === undefined ? (row.outcome === 'pending' ? 'dim' : 'plain') : ok ? 'pass' : 'fail';
    const mark = ok === undefined ? (row.outcome === 'pending' ? '… ' : '· ') : ok ? '✓ ' : '✗ ';
    const outcome = row.outcome === 'pending' ? PHASE[row.phase] : OUTCOME[row.outcome];
    const progress = row.phase === 'done' ? '' : row.progress !== undefined ? `${bar(row.progress, 10)} ${PHASE[row.phase]}` : PHASE[row.phase];
    out.push([
      seg(padEnd(sanitize(row.name), nameW)),
      seg(padEnd(EXPECT[row.expectation], 13)),
      seg(padStart(String(row.requests), 8), row.requests > 0 && row.expectation === 'suppress' ? 'fail' : 'plain'),
      seg(padStart(String(row.bypasses), 8), row.bypasses > 0 ? 'fail' : 'plain'),
      seg('  '),
      seg(padEnd(mark + outcome, 20), tone),
      seg(progress, 'dim'),
    ]);
    const notes: string[] = [];
    if (row.errors + row.warnings > 0) notes.push(`${row.errors} error${row.errors === 1 ? '' : 's'}, ${row.warnings} warning${row.warnings === 1 ? '' : 's'} in what it sent`);
    if (row.message) notes.push(sanitize(row.message));
    if (notes.length > 0) out.push([seg(' '.repeat(Math.min(4, width))), seg(notes.join(' · '), 'dim')]);
  }
  return out;
}
