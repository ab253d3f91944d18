/** One row of the request list, and the list's column titles, fitted to a width. */
import { describeOrigin } from '../../capture/captured-request.js';
import type { RequestResult, Verdict } from '../../engine/audit-request.js';
import { seg, type Line, type Tone } from './line.js';
import { fit, padEnd, padStart, sanitize, textWidth } from './text-fit.js';

const BADGE: Record<Verdict, { text: string; tone: Tone }> = {
  fail: { text: 'FAIL', tone: 'fail' },
  warn: { text: 'WARN', tone: 'warn' },
  pass: { text: 'pass', tone: 'pass' },
  skipped: { text: 'skip', tone: 'skip' },
};

const TIME = 8;
const KIND = 18;
const BADGE_W = 4;
const COUNTS = 8;

export function timeOf(iso: string): string {
  const m = /T(\d\d:\d\d:\d\d)/.exec(iso);
  return m ? m[1]! : iso;
}

export function destinationOf(result: RequestResult): string {
  const r = result.request;
  if (r.url === null) return `bare payload · ${describeOrigin(r.origin)}`;
  let where = r.url;
  try {
    const u = new URL(r.url);
    where = u.protocol === 'https:' || u.protocol === 'http:' || u.protocol === 'tcp:' ? `${u.host}${u.pathname === '/' ? '' : u.pathname}${u.search}` : r.url;
  } catch {
    // An unparseable URL is shown as captured; the audit already reported it.
  }
  return `${r.method} ${where}`;
}

/**
 * Where in an opt-out run a request came from: its scenario and the step that sent it
 * (`control/trigger`, `telemetry-disable/disable`), so a setup command that itself sends stands
 * out from the trigger. Empty for requests that are not a scenario's.
 */
export function stepTag(result: RequestResult): string {
  const o = result.request.origin;
  if (o.kind !== 'process' || o.scenario === undefined) return '';
  return o.step !== undefined ? `${o.scenario}/${o.step}` : o.scenario;
}

function countsText(result: RequestResult): { errors: string; warnings: string } {
  let errors = 0;
  let warnings = 0;
  for (const f of result.findings) {
    if (f.severity === 'error') errors++;
    else warnings++;
  }
  return { errors: errors > 0 ? `${errors}✗` : '', warnings: warnings > 0 ? `${warnings}!` : '' };
}

function destinationWidth(width: number): number {
  return Math.max(8, width - 2 - TIME - 1 - KIND - 1 - 1 - BADGE_W - 1 - COUNTS);
}

/** Column titles; the destination column, the one that grows, also says where the selection is. */
export function listTitle(width: number, position = ''): Line {
  const dest = destinationWidth(width);
  const title = 'destination';
  return [
    seg('  '),
    seg(padEnd('time', TIME), 'dim'),
    seg(' '),
    seg(padEnd('kind', KIND), 'dim'),
    seg(' '),
    seg(title, 'dim'),
    seg(padEnd(position ? `   ${position}` : '', dest - title.length), 'accent'),
    seg(' '),
    seg(padEnd('verdict', BADGE_W + 1 + COUNTS), 'dim'),
  ];
}

export function listRow(result: RequestResult, width: number, selected: boolean): Line {
  const badge = BADGE[result.verdict];
  const counts = countsText(result);
  const kind = result.kind ?? (result.verdict === 'skipped' ? '-' : 'unknown');
  const dest = destinationWidth(width);
  // The step leads the destination, at most half of the column: the URL keeps the rest.
  const tag = stepTag(result);
  const tagText = tag === '' ? '' : fit(sanitize(tag), Math.floor(dest / 2) - 1) + ' ';
  return [
    seg(selected ? '› ' : '  ', 'accent'),
    seg(padEnd(timeOf(result.request.time), TIME), 'dim'),
    seg(' '),
    seg(padEnd(kind, KIND), result.kind === null && result.verdict !== 'skipped' ? 'fail' : 'plain'),
    seg(' '),
    ...(tagText !== '' ? [seg(tagText, 'accent')] : []),
    seg(padEnd(sanitize(destinationOf(result)), dest - textWidth(tagText))),
    seg(' '),
    seg(badge.text, badge.tone),
    seg(' '),
    seg(padStart(counts.errors, 4), 'fail'),
    seg(padStart(counts.warnings, 4), 'warn'),
  ];
}
