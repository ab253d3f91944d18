/**
 * Drift reports (`telemetry-audit diff`): text with a unified diff of each kind's field list
 * (the `diff` library), a stable JSON shape for tools, and Markdown for a pull request.
 */
import { structuredPatch } from 'diff';
import type { CaptureSide, Drift, FindingDigest, KindDrift } from '../baseline/drift.js';
import { sortedTypes, type FieldTypes } from '../baseline/shape.js';
import type { Policy } from '../policy/policy-schema.js';
import { plural } from './finding-text.js';
import { mdCell, mdCode, mdTable } from './markdown-text.js';
import type { Style } from './style.js';

export const DRIFT_REPORT_VERSION = 1;

export interface DriftReport {
  drift: Drift;
  old: CaptureSide;
  new: CaptureSide;
  policy: Pick<Policy, 'name' | 'title' | 'version'>;
  toolVersion: string;
  exitCode: number;
}

const NO_FIELDS: FieldTypes = new Map();

function fieldText(fields: FieldTypes): string {
  return [...fields.keys()]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((p) => `${p}: ${sortedTypes(fields.get(p)!).join(' | ')}\n`)
    .join('');
}

/** The unified diff of a kind's field list, old against new; [] when nothing changed. */
export function kindPatch(report: DriftReport, k: KindDrift, context = 2): string[] {
  const oldName = k.status === 'added' ? null : (k.previousKind ?? k.kind);
  const newName = k.status === 'removed' ? null : k.kind;
  const oldFields = oldName === null ? NO_FIELDS : (report.old.shapes.kinds.get(oldName)?.fields ?? NO_FIELDS);
  const newFields = newName === null ? NO_FIELDS : (report.new.shapes.kinds.get(newName)?.fields ?? NO_FIELDS);
  const patch = structuredPatch(oldName ? `a/${oldName}` : '/dev/null', newName ? `b/${newName}` : '/dev/null', fieldText(oldFields), fieldText(newFields), undefined, undefined, { context });
  if (patch.hunks.length === 0) return [];
  const lines = [`--- ${patch.oldFileName}`, `+++ ${patch.newFileName}`];
  for (const h of patch.hunks) {
    // Unified diff numbers an empty range from the line before it (`-0,0`).
    const start = (n: number, count: number) => (count === 0 ? n - 1 : n);
    lines.push(`@@ -${start(h.oldStart, h.oldLines)},${h.oldLines} +${start(h.newStart, h.newLines)},${h.newLines} @@`);
    for (const l of h.lines) if (!l.startsWith('\\')) lines.push(l);
  }
  return lines;
}

function kindTitle(k: KindDrift): string {
  const name = k.previousKind ? `${k.kind} (was ${k.previousKind})` : k.kind;
  switch (k.status) {
    case 'added':
      return `${name}: new kind, ${plural(k.added.length, 'field')}`;
    case 'removed':
      return `${name}: no longer sent (${plural(k.removed.length, 'field')})`;
    case 'unchanged':
      return `${name}: unchanged`;
    case 'changed':
      return `${name}: ${plural(k.added.length, 'field')} added, ${k.removed.length} removed, ${k.changed.length} changed type`;
  }
}

function sideLine(label: string, side: CaptureSide): string {
  return `${label}: ${side.inputs.join(', ')} (${plural(side.requests, 'request')}, ${side.audited} audited)`;
}

function verdictLine(report: DriftReport): string {
  const d = report.drift;
  const grewKinds = d.kinds.filter((k) => k.grew).length;
  const newErrors = d.newFindings.filter((f) => f.severity === 'error').length;
  if (d.grew) return `Drift: telemetry grew (${plural(grewKinds, 'kind')} with new fields or types, ${plural(newErrors, 'new error')}) (exit ${report.exitCode})`;
  if (d.changed) return `Drift: changed, nothing new is sent (exit ${report.exitCode})`;
  return `Drift: none (exit ${report.exitCode})`;
}

function findingLine(f: FindingDigest): string {
  return `${f.severity.padEnd(8)} ${f.rule.padEnd(28)} ${(f.kind ?? '-').padEnd(18)} ${f.location}  (${plural(f.count, 'request')}) ${f.message}`;
}

export function driftText(report: DriftReport, style: Style): string {
  const d = report.drift;
  const out = [style.bold(`telemetry-audit ${report.toolVersion} diff · policy ${report.policy.name}`), sideLine('old', report.old), sideLine('new', report.new), ''];
  for (const k of d.kinds) {
    const title = kindTitle(k) + ` · requests ${k.requests.old} → ${k.requests.new}`;
    out.push(k.status === 'unchanged' ? style.dim(title) : style.bold(title));
    for (const line of kindPatch(report, k)) {
      out.push(line.startsWith('+') ? style.green(line) : line.startsWith('-') ? style.red(line) : line.startsWith('@@') ? style.cyan(line) : line);
    }
    if (k.status !== 'unchanged') out.push('');
  }
  if (d.kinds.length > 0 && d.kinds[d.kinds.length - 1]!.status === 'unchanged') out.push('');
  if (d.newFindings.length > 0) out.push(style.bold(`New findings (${d.newFindings.length}):`), ...d.newFindings.map((f) => '  ' + findingLine(f)), '');
  if (d.resolvedFindings.length > 0) out.push(style.bold(`Findings no longer present (${d.resolvedFindings.length}):`), ...d.resolvedFindings.map((f) => '  ' + findingLine(f)), '');
  out.push(d.grew ? style.red(verdictLine(report)) : verdictLine(report));
  return out.join('\n') + '\n';
}

export function driftJson(report: DriftReport): string {
  const side = (s: CaptureSide) => ({ inputs: s.inputs, requests: s.requests, audited: s.audited });
  return (
    JSON.stringify({
      driftVersion: DRIFT_REPORT_VERSION,
      tool: { name: 'telemetry-audit', version: report.toolVersion },
      policy: { name: report.policy.name, title: report.policy.title, version: report.policy.version ?? null },
      old: side(report.old),
      new: side(report.new),
      kinds: report.drift.kinds,
      newFindings: report.drift.newFindings,
      resolvedFindings: report.drift.resolvedFindings,
      grew: report.drift.grew,
      changed: report.drift.changed,
      exitCode: report.exitCode,
    }) + '\n'
  );
}

export function driftMarkdown(report: DriftReport): string {
  const d = report.drift;
  const word = d.grew ? 'telemetry grew' : d.changed ? 'changed, nothing new is sent' : 'no drift';
  const out = [`### telemetry-audit diff: ${word}`, ''];
  out.push(`Policy ${mdCode(report.policy.name)} · old ${report.old.inputs.map(mdCode).join(', ')} (${plural(report.old.requests, 'request')}) · new ${report.new.inputs.map(mdCode).join(', ')} (${plural(report.new.requests, 'request')})`, '');
  if (d.kinds.length > 0) {
    out.push(
      mdTable(
        ['Kind', 'Status', 'Requests', 'Added', 'Removed', 'Type changed'],
        ['l', 'l', 'r', 'r', 'r', 'r'],
        d.kinds.map((k) => [
          mdCode(k.kind) + (k.previousKind ? ` (was ${mdCode(k.previousKind)})` : ''),
          k.status,
          `${k.requests.old} → ${k.requests.new}`,
          String(k.added.length),
          String(k.removed.length),
          String(k.changed.length),
        ]),
      ),
      '',
    );
  }
  for (const k of d.kinds) {
    const patch = kindPatch(report, k);
    if (patch.length === 0) continue;
    out.push(`<details><summary>${mdCell(kindTitle(k))}</summary>`, '', '```diff', ...patch.map((l) => l.replace(/```/g, '`\u200b``')), '```', '', '</details>', '');
  }
  const findingTable = (list: FindingDigest[]) =>
    mdTable(
      ['Severity', 'Rule', 'Kind', 'Location', 'Requests', 'Message'],
      ['l', 'l', 'l', 'l', 'r', 'l'],
      list.map((f) => [f.severity, mdCode(f.rule), f.kind ? mdCode(f.kind) : '', mdCode(f.location), String(f.count), mdCell(f.message)]),
    );
  if (d.newFindings.length > 0) out.push(`#### ${plural(d.newFindings.length, 'new finding')}`, '', findingTable(d.newFindings), '');
  if (d.resolvedFindings.length > 0) out.push(`<details><summary>${plural(d.resolvedFindings.length, 'finding')} no longer present</summary>`, '', findingTable(d.resolvedFindings), '', '</details>', '');
  out.push(`<sub>telemetry-audit ${mdCell(report.toolVersion)} · exit ${report.exitCode}</sub>`);
  return out.join('\n') + '\n';
}
