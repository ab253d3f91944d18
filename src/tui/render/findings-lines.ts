/**
 * The Findings tab: every finding of the selected request with its rule, severity, location,
 * the encoding a detector matched, and its evidence, redacted unless the reviewer reveals it
 * (the same redaction the reports use).
 */
import type { RequestResult } from '../../engine/audit-request.js';
import { describeLocation, evidenceText } from '../../engine/finding.js';
import { seg, type Line, type Tone } from './line.js';
import { sanitize, wrap } from './text-fit.js';

export function findingsLines(result: RequestResult, reveal: boolean, width: number): Line[] {
  const out: Line[] = [];
  const { findings } = result;
  if (result.verdict === 'skipped') {
    out.push([seg(`Not audited: ${sanitize(result.skipReason ?? 'skipped')}`, 'dim')]);
    return out;
  }
  if (findings.length === 0) {
    out.push([seg('No findings: every part of this request is allowed by the policy.', 'pass')]);
    return out;
  }
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  const hasEvidence = findings.some((f) => f.evidence !== undefined);
  out.push([
    seg(`${findings.length} finding${findings.length === 1 ? '' : 's'}: `, 'heading'),
    seg(`${errors} error${errors === 1 ? '' : 's'}`, errors > 0 ? 'fail' : 'dim'),
    seg(', '),
    seg(`${warnings} warning${warnings === 1 ? '' : 's'}`, warnings > 0 ? 'warn' : 'dim'),
    ...(hasEvidence ? [seg(reveal ? '  · evidence revealed (e hides it)' : '  · evidence redacted (e reveals it)', 'dim')] : []),
  ]);
  const indent = '    ';
  const body = Math.max(10, width - indent.length);
  for (const f of findings) {
    const tone: Tone = f.severity === 'error' ? 'fail' : 'warn';
    out.push([]);
    out.push([
      seg(f.severity === 'error' ? '✗ ' : '! ', tone),
      seg(f.severity === 'error' ? 'error    ' : 'warning  ', tone),
      seg(f.rule, tone),
      seg('  '),
      seg(sanitize(describeLocation(f.location)), 'key'),
    ]);
    for (const l of wrap(sanitize(f.message), body)) out.push([seg(indent), seg(l)]);
    const details: string[] = [];
    if (f.encoding) details.push(`encoding: ${f.encoding}`);
    if (f.matched) details.push(`matched: ${sanitize(f.matched)}`);
    if (details.length > 0) out.push([seg(indent), seg(details.join('   '), 'dim')]);
    const ev = evidenceText(f, reveal);
    if (ev !== undefined) {
      // Revealed evidence is shown as a JSON string: quotes show its ends, escapes its controls.
      const shown = reveal ? sanitize(JSON.stringify(ev)) : ev;
      wrap(`evidence: ${shown}`, body).forEach((l) => out.push([seg(indent), seg(l, reveal ? 'accent' : 'dim')]));
    }
  }
  return out;
}
