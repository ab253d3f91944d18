/**
 * The opt-out matrix in each report format: a table for people (text), JUnit test cases (one
 * per scenario), a Markdown table. The JSON report carries the matrix object as it is. Rows
 * hold counts, rule ids and notes only: never a payload, never evidence.
 */
import type { OptoutMatrix, ScenarioRowReport } from '../optout/matrix.js';
import type { JUnitCase } from './junit-xml.js';
import { mdCell, mdCode, mdTable } from './markdown-text.js';
import type { Style } from './style.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function expectText(r: Pick<ScenarioRowReport, 'expect' | 'informational' | 'control'>): string {
  const base = r.expect === 'refuse-start' ? 'refuse start' : r.expect;
  return r.control ? `${base} (control)` : r.informational ? `${base} (info)` : base;
}

export function outcomeText(r: Pick<ScenarioRowReport, 'outcome' | 'proxyOnly'>): string {
  return r.proxyOnly ? `${r.outcome}*` : r.outcome;
}

export function findingsText(r: Pick<ScenarioRowReport, 'errors' | 'warnings' | 'rules' | 'requests' | 'bypasses'>): string {
  if (r.errors + r.warnings === 0) return r.requests + r.bypasses > 0 ? 'clean' : '';
  const parts: string[] = [];
  if (r.errors > 0) parts.push(plural(r.errors, 'error'));
  if (r.warnings > 0) parts.push(plural(r.warnings, 'warning'));
  return `${parts.join(', ')}: ${r.rules.join(', ')}`;
}

const MARK = { pass: '✓', fail: '✗', inconclusive: '?', info: '·' } as const;

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function traceText(m: OptoutMatrix): string {
  if (m.containment === 'sealed') return 'sealed: each scenario in its own network namespace, nothing could leave and every connection was captured';
  return m.trace.active ? 'bypass attempts watched by strace' : `no tracer (${m.trace.reason ?? 'not available'}): only what reaches the proxy is seen`;
}

/** The matrix for people: one row per scenario, a note under every row that is not a plain pass. */
export function optoutText(m: OptoutMatrix, style: Style): string {
  const nameW = Math.max(8, ...m.scenarios.map((r) => r.name.length)) + 2;
  const expectW = Math.max(7, ...m.scenarios.map((r) => expectText(r).length)) + 2;
  const outcomeW = Math.max(7, ...m.scenarios.map((r) => outcomeText(r).length)) + 2;
  const lines: string[] = [];
  lines.push(style.bold(`Opt-out matrix: ${m.pack.title} (${m.pack.origin})`));
  lines.push(`${m.target} target · ${plural(m.scenarios.length, 'scenario')}, ${m.concurrency} at a time · ${traceText(m)}`);
  lines.push('');
  lines.push(style.dim(`   ${'scenario'.padEnd(nameW)}${'expects'.padEnd(expectW)}${'sent'.padStart(5)}${'bypass'.padStart(8)}  ${'outcome'.padEnd(outcomeW)}findings`));
  for (const r of m.scenarios) {
    const colour = r.status === 'pass' ? style.green : r.status === 'fail' ? style.red : r.status === 'inconclusive' ? style.yellow : (s: string) => s;
    lines.push(
      `${colour(MARK[r.status])}  ${r.name.padEnd(nameW)}${expectText(r).padEnd(expectW)}${String(r.requests).padStart(5)}${String(r.bypasses).padStart(8)}  ${colour(outcomeText(r).padEnd(outcomeW))}${findingsText(r)}`.trimEnd(),
    );
    if (r.status !== 'pass' || r.loopback > 0 || r.probes.length > 0 || r.steps) lines.push(style.dim(`     ${r.note}`));
    for (const p of r.probes) if (r.status === 'pass' || p.ok !== true) lines.push(style.dim(`     probe ${p.ok === true ? 'ok' : p.ok === false ? 'FAILED' : 'not answered'}: ${p.detail}`));
  }
  lines.push('');
  if (m.scenarios.some((r) => r.proxyOnly)) lines.push(style.dim('* suppressed as far as the proxy can tell: no tracer watched for connections that bypass it'));
  lines.push(`✓ as expected · ✗ not as expected, or errors in what it sent · ? could not conclude · · informational (reported, never failed)`);
  lines.push(`Wall time ${seconds(m.timing.wallMs)}; slowest scenario ${m.timing.slowest} ${seconds(m.timing.slowestMs)}`);
  const tone = m.verdict.exitCode === 0 ? style.green : style.red;
  lines.push(`Opt-out verdict: ${tone(style.bold(m.verdict.label))}: ${m.verdict.conclusion}`);
  return lines.join('\n') + '\n';
}

/** One JUnit case per scenario: informational rows pass with their outcome as output. */
export function optoutCases(m: OptoutMatrix): JUnitCase[] {
  const suite = `optout ${m.pack.name}`;
  const classname = `telemetry-audit.optout.${m.pack.name}`;
  return m.scenarios.map((r) => {
    const text = [
      `expected: ${expectText(r)}; outcome: ${outcomeText(r)}`,
      `requests ${r.requests}, connection findings ${r.bypasses}, to loopback ${r.loopback}`,
      ...(r.errors + r.warnings > 0 ? [`findings: ${findingsText(r)}`] : []),
      r.note,
      ...r.probes.map((p) => `probe ${p.ok === true ? 'ok' : p.ok === false ? 'failed' : 'not answered'}: ${p.detail}`),
    ].join('\n');
    const c: JUnitCase = { suite, classname, name: r.name };
    if (r.status === 'fail' || r.status === 'inconclusive') {
      c.failure = { message: `${r.status === 'fail' ? 'not as expected' : 'inconclusive'}: expected ${expectText(r)}, ${outcomeText(r)}`, type: r.status === 'fail' ? 'optout/failed' : 'optout/inconclusive', text };
    } else {
      c.output = text;
    }
    return c;
  });
}

/** The columns of the matrix as a table (Markdown, HTML); the first is the scenario. */
export const OPTOUT_COLUMNS = ['Scenario', 'Expects', 'Sent', 'Bypass', 'Outcome', 'Findings', 'Note'] as const;

/** A scenario's row as plain text for a table: its mark, its name, and the other columns in order. */
export function optoutRow(r: ScenarioRowReport): { mark: string; name: string; cells: string[] } {
  return {
    mark: MARK[r.status],
    name: r.name,
    cells: [expectText(r), String(r.requests), String(r.bypasses), outcomeText(r), findingsText(r), r.status === 'pass' ? '' : r.note],
  };
}

export function optoutMarkdown(m: OptoutMatrix): string {
  const rows = m.scenarios.map(optoutRow).map(({ mark, name, cells }) => [`${mark} ${mdCode(name)}`, ...cells.map(mdCell)]);
  return [
    `#### Opt-out matrix: ${mdCell(m.pack.title)} — ${m.verdict.label}`,
    '',
    `${mdCell(m.verdict.conclusion)} · ${mdCell(traceText(m))}`,
    '',
    mdTable(OPTOUT_COLUMNS, ['l', 'l', 'r', 'r', 'l', 'l', 'l'], rows),
    '',
  ].join('\n');
}
