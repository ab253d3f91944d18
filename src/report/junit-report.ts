/**
 * The JUnit report: one test case per audited request, grouped in a suite per capture file.
 * A request fails when it has error findings a baseline did not approve; warnings and approved
 * findings are listed beside a passing case. A run that fails without a failing request (nothing
 * audited, too many warnings) gets a failing case of its own, so a dashboard never shows green.
 */
import {
  caseXml,
  countCase,
  documentOpen,
  DOCUMENT_CLOSE,
  emptyCounts,
  suiteOpen,
  SUITE_CLOSE,
  UniqueCaseNames,
  type JUnitCase,
  type JUnitCounts,
} from './junit-xml.js';
import { findingSentence, plural, positionOf, sourceOf, destinationOf } from './finding-text.js';
import { optoutCases } from './optout-report.js';
import { toReportedRequest, type ReportContext, type ReportedRequest, type StreamReporter } from './reporter.js';
import { TextSpool, type SpoolRange } from './text-spool.js';
import type { RequestResult } from '../engine/audit-request.js';
import type { AuditSummary } from '../engine/summary.js';
import type { OptoutMatrix } from '../optout/matrix.js';

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

interface SuiteParts {
  counts: JUnitCounts;
  /** Cases known only at the end (the opt-out matrix) come before the requests... */
  head: JUnitCase[];
  /** ...the requests' cases, spooled as they arrived, in runs of consecutive cases... */
  spooled: SpoolRange[];
  /** ...and the verdict case last. */
  tail: JUnitCase[];
}

/**
 * Streamed: each request's case is rendered as it arrives and spooled (to disk past a few MiB),
 * so memory stays flat however many requests a run has; the document, whose suites carry their
 * counts up front, is written at the end from the counts and the spool.
 */
export function junitReporter(ctx: ReportContext, opts: { spoolMemoryBytes?: number } = {}): StreamReporter {
  const spool = new TextSpool(opts.spoolMemoryBytes);
  const requestNames = new UniqueCaseNames();
  const suites = new Map<string, SuiteParts>();
  let last: { suite: string; range: SpoolRange } | null = null;
  let requestFailures = 0;
  const partsOf = (suite: string): SuiteParts => {
    let p = suites.get(suite);
    if (!p) suites.set(suite, (p = { counts: emptyCounts(), head: [], spooled: [], tail: [] }));
    return p;
  };
  return {
    begin: () => '',
    result(result: RequestResult) {
      const c = requestNames.name(requestCase(toReportedRequest(result, ctx.showEvidence)));
      if (c.failure) requestFailures++;
      const { bytes: start } = spool.size;
      const piece = spool.append(caseXml(c));
      const { bytes: end } = spool.size;
      if (last && last.suite === c.suite && last.range.endPiece === piece) {
        last.range.endPiece = piece + 1;
        last.range.end = end;
      } else {
        last = { suite: c.suite, range: { firstPiece: piece, endPiece: piece + 1, start, end } };
        partsOf(c.suite).spooled.push(last.range);
      }
      countCase(partsOf(c.suite).counts, c);
      return '';
    },
    end(summary: AuditSummary, exitCode: number, conclusion?: string, optout?: OptoutMatrix) {
      // Suites appear in the order of their first case: opt-out scenarios, requests, verdict.
      const order = new Map<string, SuiteParts>();
      const optoutNames = new UniqueCaseNames();
      for (const c of optout ? optoutCases(optout).map((x) => optoutNames.name(x)) : []) {
        const p = order.get(c.suite) ?? suites.get(c.suite) ?? { counts: emptyCounts(), head: [], spooled: [], tail: [] };
        order.set(c.suite, p);
        p.head.push(c);
        countCase(p.counts, c);
      }
      for (const [name, p] of suites) if (!order.has(name)) order.set(name, p);
      const anyFailure = requestFailures > 0 || [...order.values()].some((p) => p.head.some((c) => c.failure));
      if (exitCode !== 0 && !anyFailure) {
        const message =
          conclusion !== undefined
            ? conclusion
            : summary.verdict === 'empty'
            ? 'no request was audited: an audit of nothing proves nothing'
            : `${plural(summary.warnings, 'warning')}: more than --max-warnings allows`;
        const c: JUnitCase = { suite: 'telemetry-audit', classname: 'telemetry-audit', name: 'verdict', failure: { message, type: 'verdict', text: `exit ${exitCode}: ${message}` } };
        const p = order.get(c.suite) ?? { counts: emptyCounts(), head: [], spooled: [], tail: [] };
        order.set(c.suite, p);
        p.tail.push(c);
        countCase(p.counts, c);
      }
      return document(order, spool);
    },
  };
}

function* document(suites: Map<string, SuiteParts>, spool: TextSpool): Generator<string> {
  try {
    const total = emptyCounts();
    for (const { counts } of suites.values()) {
      total.tests += counts.tests;
      total.failures += counts.failures;
      total.errors += counts.errors;
      total.skipped += counts.skipped;
    }
    yield documentOpen('telemetry-audit', total);
    for (const [name, p] of suites) {
      yield suiteOpen(name, p.counts);
      for (const c of p.head) yield caseXml(c);
      for (const range of p.spooled) yield* spool.read(range);
      for (const c of p.tail) yield caseXml(c);
      yield SUITE_CLOSE;
    }
    yield DOCUMENT_CLOSE;
  } finally {
    spool.close();
  }
}
