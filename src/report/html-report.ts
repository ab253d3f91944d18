/**
 * The HTML report, for people who review privacy without a terminal: one self-contained page
 * (inline stylesheet, no script, nothing fetched; see html-text.ts) with the verdict, the
 * summary, the opt-out matrix of an `optout` run, the findings grouped by rule, and each
 * failing request with its payload tree. Evidence is redacted as in every other report.
 *
 * Streamed in, bounded in memory: each failing request is rendered as it arrives and spooled (to
 * a private temp file past a few MiB); rules keep one group per distinct finding (capped), so
 * memory follows the number of distinct findings, not the number of requests. Past
 * HTML_MAX_REQUESTS failing requests, the rest are counted and left to the JSON or SARIF report:
 * a page of 200,000 payload trees is not a review.
 */
import type { RequestResult } from '../engine/audit-request.js';
import { describeLocation } from '../engine/finding.js';
import type { AuditSummary } from '../engine/summary.js';
import type { OptoutMatrix } from '../optout/matrix.js';
import { plural, positionOf, sourceOf, verdictWord } from './finding-text.js';
import { requestHtml } from './html-payload.js';
import { h, htmlHead, htmlId, htmlTable } from './html-text.js';
import { OPTOUT_COLUMNS, optoutRow, traceText } from './optout-report.js';
import { toReportedRequest, type ReportContext, type ReportedFinding, type StreamReporter } from './reporter.js';
import { TextSpool } from './text-spool.js';

/** Failing requests shown with their payload tree. */
export const HTML_MAX_REQUESTS = 200;
/** Distinct findings kept for the rule tables; past this they are only counted. */
const MAX_GROUPS = 10_000;
/** Rows of one rule's table. */
const MAX_ROWS_PER_RULE = 100;
/** Links from a finding to the failing requests that carry it. */
const LINKS_PER_GROUP = 5;

interface Group {
  finding: ReportedFinding;
  count: number;
  links: Array<{ anchor: string; label: string }>;
}

interface RuleStats {
  errors: number;
  warnings: number;
  approved: number;
  requests: number;
  groups: Map<string, Group>;
  dropped: number;
}

function verdictClass(s: AuditSummary, exitCode: number, optout?: OptoutMatrix): string {
  if (optout) return optout.verdict.exitCode === 0 ? 'pass' : optout.verdict.exitCode === 1 ? 'fail' : 'inconclusive';
  if (s.verdict === 'empty') return 'empty';
  if (exitCode !== 0) return 'fail';
  return s.verdict === 'warn' ? 'warn' : 'pass';
}

export function htmlReporter(ctx: ReportContext, opts: { spoolMemoryBytes?: number } = {}): StreamReporter {
  const spool = new TextSpool(opts.spoolMemoryBytes);
  const rules = new Map<string, RuleStats>();
  let groups = 0;
  let failing = 0;
  let anyEvidence = false;

  const statsOf = (rule: string): RuleStats => {
    let s = rules.get(rule);
    if (!s) rules.set(rule, (s = { errors: 0, warnings: 0, approved: 0, requests: 0, groups: new Map(), dropped: 0 }));
    return s;
  };

  return {
    begin: () => '',
    result(result: RequestResult) {
      if (ctx.quiet || result.findings.length === 0) return '';
      const shown = toReportedRequest(result, ctx.showEvidence);
      let link: Group['links'][number] | null = null;
      if (result.verdict === 'fail') {
        failing++;
        if (failing <= HTML_MAX_REQUESTS) {
          const pos = positionOf(shown.origin);
          link = { anchor: `req-${failing}`, label: `${sourceOf(shown.origin)}${pos ? ` ${pos}` : ''}` };
          spool.append(requestHtml(result, shown, link.anchor, ctx.showEvidence));
        }
      }
      const seen = new Set<string>();
      for (const f of shown.findings) {
        if (f.evidence !== undefined) anyEvidence = true;
        const stats = statsOf(f.rule);
        if (!seen.has(f.rule)) {
          seen.add(f.rule);
          stats.requests++;
        }
        if (f.approved) stats.approved++;
        else if (f.severity === 'error') stats.errors++;
        else stats.warnings++;
        const g = stats.groups.get(f.fingerprint);
        if (g) {
          g.count++;
          if (link && g.links.length < LINKS_PER_GROUP && g.links[g.links.length - 1] !== link) g.links.push(link);
        } else if (groups < MAX_GROUPS) {
          groups++;
          stats.groups.set(f.fingerprint, { finding: f, count: 1, links: link ? [link] : [] });
        } else {
          stats.dropped++;
        }
      }
      return '';
    },
    end(summary: AuditSummary, exitCode: number, conclusion?: string, optout?: OptoutMatrix) {
      return document({ ctx, summary, exitCode, conclusion, optout, rules, failing, anyEvidence, spool });
    },
  };
}

interface DocumentInput {
  ctx: ReportContext;
  summary: AuditSummary;
  exitCode: number;
  conclusion: string | undefined;
  optout: OptoutMatrix | undefined;
  rules: Map<string, RuleStats>;
  failing: number;
  anyEvidence: boolean;
  spool: TextSpool;
}

function* document(d: DocumentInput): Generator<string> {
  const { ctx, summary: s, exitCode, optout, spool } = d;
  try {
    const verdict = optout ? optout.verdict.label : verdictWord(s, exitCode);
    yield htmlHead(`telemetry-audit: ${verdict} · ${ctx.policy.name}`) + '\n<body>\n';
    yield [
      '<header>',
      '<h1>Telemetry audit report</h1>',
      `<p class="verdict ${verdictClass(s, exitCode, optout)}" id="verdict">${h(verdict)}</p>`,
      `<p class="meta" id="policy">Policy <code>${h(ctx.policy.name)}</code> (${h(ctx.policy.title)}${ctx.policy.version ? `, version ${h(ctx.policy.version)}` : ''})</p>`,
      `<p class="meta" id="inputs">Inputs: ${ctx.inputs.length > 0 ? ctx.inputs.map((i) => `<code>${h(i)}</code>`).join(', ') : 'none'}</p>`,
      `<p class="meta" id="evidence">Evidence ${ctx.showEvidence ? '<strong>revealed</strong> (--show-evidence)' : 'redacted'}</p>`,
      d.conclusion !== undefined ? `<p id="conclusion"><strong>Conclusion:</strong> ${h(d.conclusion)}</p>` : '',
      s.verdict === 'empty' && !optout && d.conclusion === undefined ? '<p id="conclusion">No request was audited: an audit of nothing proves nothing.</p>' : '',
      '</header>',
      '',
    ].join('\n');
    yield summarySection(s, ctx);
    if (optout) yield optoutSection(optout);
    if (!ctx.quiet) {
      yield rulesSection(d);
      yield `<section id="requests">\n<h2>Failing requests (${d.failing})</h2>\n`;
      if (d.failing === 0) yield '<p>No request failed.</p>\n';
      if (d.failing > HTML_MAX_REQUESTS) yield `<p class="note">${h(`The first ${HTML_MAX_REQUESTS} are shown; the other ${d.failing - HTML_MAX_REQUESTS} are in the JSON or SARIF report.`)}</p>\n`;
      const { pieces, bytes } = spool.size;
      yield* spool.read({ firstPiece: 0, endPiece: pieces, start: 0, end: bytes });
      yield '\n</section>\n';
    }
    const footer: string[] = [];
    if (!ctx.showEvidence && d.anyEvidence) footer.push('Evidence is redacted; <code>--show-evidence</code> reveals it.');
    footer.push(`telemetry-audit ${h(ctx.toolVersion)} · exit ${exitCode}`);
    yield `<footer>\n${footer.map((l) => `<p>${l}</p>`).join('\n')}\n</footer>\n</body>\n</html>\n`;
  } finally {
    spool.close();
  }
}

function summarySection(s: AuditSummary, ctx: ReportContext): string {
  const counts = [s.requests, s.audited, s.skipped, s.verdicts.pass, s.verdicts.warn, s.verdicts.fail, s.errors, s.warnings, s.approved].map((n) => h(n));
  const out = [
    '<section id="summary">',
    '<h2>Summary</h2>',
    htmlTable(['Requests', 'Audited', 'Skipped', 'Pass', 'Warn', 'Fail', 'Errors', 'Warnings', 'Approved'], [counts], { numeric: [0, 1, 2, 3, 4, 5, 6, 7, 8] }),
  ];
  const kinds = Object.entries(s.kinds).sort((a, b) => b[1] - a[1]);
  if (kinds.length > 0) out.push(`<p class="meta">Payload kinds: ${kinds.map(([k, n]) => `<code>${h(k)}</code> ${h(n)}`).join(', ')}</p>`);
  if (ctx.notes && ctx.notes.length > 0) out.push('<ul class="meta" id="notes">', ...ctx.notes.map((n) => `<li>${h(n)}</li>`), '</ul>');
  out.push('</section>', '');
  return out.join('\n');
}

function optoutSection(m: OptoutMatrix): string {
  const rows = m.scenarios.map(optoutRow).map(({ mark, name, cells }) => [`${mark} <code>${h(name)}</code>`, ...cells.map(h)]);
  return [
    '<section id="optout">',
    `<h2>Opt-out matrix: ${h(m.pack.title)} — ${h(m.verdict.label)}</h2>`,
    `<p>${h(m.verdict.conclusion)}</p>`,
    `<p class="meta">${h(`${m.target} target · ${plural(m.scenarios.length, 'scenario')}, ${m.concurrency} at a time · ${traceText(m)}`)}</p>`,
    htmlTable(OPTOUT_COLUMNS, rows, { numeric: [2, 3], rowClass: (i) => `st-${m.scenarios[i]!.status}` }),
    m.scenarios.some((r) => r.proxyOnly) ? `<p class="note">${h('* suppressed as far as the proxy can tell: no tracer watched for connections that bypass it')}</p>` : '',
    '</section>',
    '',
  ].join('\n');
}

function rulesSection(d: DocumentInput): string {
  const docs = new Map((d.ctx.rules ?? []).map((r) => [r.id, r]));
  const order = [...d.rules].sort(([a, x], [b, y]) => Number(y.errors > 0) - Number(x.errors > 0) || y.errors + y.warnings - (x.errors + x.warnings) || (a < b ? -1 : 1));
  const out = ['<section id="rules">', `<h2>Findings by rule (${d.rules.size})</h2>`];
  if (order.length === 0) out.push(`<p>${d.summary.audited > 0 ? 'No findings: every audited request conforms to the policy.' : 'Nothing was audited.'}</p>`);
  for (const [rule, st] of order) {
    const doc = docs.get(rule);
    const name = doc?.helpUri ? `<a href="${h(doc.helpUri)}" rel="noreferrer">${h(rule)}</a>` : h(rule);
    const counts = [st.errors > 0 ? plural(st.errors, 'error') : '', st.warnings > 0 ? plural(st.warnings, 'warning') : '', st.approved > 0 ? `${st.approved} approved` : '']
      .filter(Boolean)
      .join(', ');
    out.push(`<section class="rule" id="rule-${htmlId(rule)}" data-rule="${h(rule)}">`, `<h3><code>${name}</code>${doc ? ` — ${h(doc.title)}` : ''}</h3>`);
    if (doc) out.push(`<p class="meta">${h(`severity ${doc.enabled ? doc.severity : 'off'} · ${doc.description}`)}</p>`);
    out.push(`<p>${h(`${counts} in ${plural(st.requests, 'request')}`)}</p>`);
    const groups = [...st.groups.values()].sort((a, b) => b.count - a.count);
    const rows = groups.slice(0, MAX_ROWS_PER_RULE).map(({ finding: f, count, links }) => [
      `<span class="${f.approved ? 'approved' : `sev-${f.severity}`}">${f.approved ? 'approved' : h(f.severity)}</span>`,
      f.kind ? `<code>${h(f.kind)}</code>` : '',
      `<code>${h(describeLocation(f.location))}</code>`,
      h(f.message) + (f.encoding ? ` <span class="meta">${h(`(encoding: ${f.encoding})`)}</span>` : ''),
      f.evidence !== undefined ? `<code class="evidence">${h(f.evidence)}</code>` : '',
      h(count),
      links.map((l) => `<a href="#${l.anchor}">${h(l.label)}</a>`).join('<br>'),
    ]);
    out.push(htmlTable(['Severity', 'Kind', 'Location', 'Message', 'Evidence', 'Count', 'Failing requests'], rows, { numeric: [5] }));
    const more = [groups.length > rows.length ? plural(groups.length - rows.length, 'more distinct finding') : '', st.dropped > 0 ? `${plural(st.dropped, 'finding')} past the limit of ${MAX_GROUPS} distinct findings` : '']
      .filter(Boolean)
      .join(' and ');
    if (more) out.push(`<p class="note">${h(`… and ${more} (see the JSON or SARIF report).`)}</p>`);
    out.push('</section>');
  }
  out.push('</section>', '');
  return out.join('\n');
}
