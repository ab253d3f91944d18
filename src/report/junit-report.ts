/**
 * The JUnit report: one test case per audited request, grouped in a suite per capture file.
 * A request fails when it has error findings a baseline did not approve; warnings and approved
 * findings are listed beside a passing case. A run that fails without a failing request (nothing
 * audited, too many warnings) gets a failing case of its own, so a dashboard never shows green.
 */
import { junitXml, type JUnitCase } from './junit-xml.js';
import { findingSentence, plural, positionOf, sourceOf, destinationOf } from './finding-text.js';
import { optoutCases } from './optout-report.js';
import type { AuditReport, ReportContext, ReportedRequest } from './reporter.js';

// Jenkins splits a classname at its last dot into package and class; a file name's extension
// would become the class, so dots in the source name are replaced.
const classnameOf = (source: string) => `telemetry-audit.${source.replace(/\./g, '_')}`;

export function requestCase(r: ReportedRequest): JUnitCase {
  const source = sourceOf(r.origin);
  const where = positionOf(r.origin) ?? r.id;
  const c: JUnitCase = { suite: source, classname: classnameOf(source), name: `${where}: ${r.kind ?? (r.verdict === 'skipped' ? 'not audited' : 'unclassified')}` };
  if (r.verdict === 'skipped') {
    c.skipped = r.skipReason ?? 'not audited';
    return c;
  }
  const open = r.findings.filter((f) => !f.approved);
  const errors = open.filter((f) => f.severity === 'error');
  const lines = (fs: typeof r.findings, label?: string) => fs.map((f) => `${label ?? f.severity} ${findingSentence(f)}`);
  if (errors.length > 0) {
    const rules = [...new Set(errors.map((f) => f.rule))];
    c.failure = {
      message: `${plural(errors.length, 'error')}: ${rules.join(', ')}`,
      type: rules[0]!,
      text: [destinationOf(r), ...lines(open), ...lines(r.findings.filter((f) => f.approved), 'approved')].join('\n'),
    };
  } else if (r.findings.length > 0) {
    c.output = [destinationOf(r), ...lines(open), ...lines(r.findings.filter((f) => f.approved), 'approved')].join('\n');
  }
  return c;
}

export function junitReport(report: AuditReport, _ctx: ReportContext): Iterable<string> {
  const cases = [...(report.optout ? optoutCases(report.optout) : []), ...report.requests.map(requestCase)];
  if (report.exitCode !== 0 && !cases.some((c) => c.failure)) {
    const s = report.summary;
    const message =
      report.conclusion !== undefined
        ? report.conclusion
        : s.verdict === 'empty'
        ? 'no request was audited: an audit of nothing proves nothing'
        : `${plural(s.warnings, 'warning')}: more than --max-warnings allows`;
    cases.push({ suite: 'telemetry-audit', classname: 'telemetry-audit', name: 'verdict', failure: { message, type: 'verdict', text: `exit ${report.exitCode}: ${message}` } });
  }
  return junitXml('telemetry-audit', cases);
}
