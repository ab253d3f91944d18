/**
 * What a person watching a live run reads for each request: where it would have gone, its
 * kind, and the payload it would have delivered, pretty-printed. Values the findings flagged
 * are masked unless evidence is revealed, so the live view leaks no more than the report.
 */
import { describeOrigin } from '../capture/captured-request.js';
import type { RequestResult } from '../engine/audit-request.js';
import { redact } from '../engine/finding.js';
import type { Style } from '../report/style.js';

const MAX_TEXT = 8 * 1024;

function payloadText(result: RequestResult): string {
  if (result.payload !== undefined) return JSON.stringify(result.payload, null, 2);
  if (result.bodyText !== undefined) {
    if (result.bodyText === '') return '(no body)';
    return result.bodyText.length > MAX_TEXT ? `${result.bodyText.slice(0, MAX_TEXT)}\n… (${result.bodyText.length - MAX_TEXT} more characters)` : result.bodyText;
  }
  const n = result.request.body.length;
  return n === 0 ? '(no body)' : `(${n} bytes that are not text)`;
}

/** Mask every flagged value, raw and as it appears inside a JSON string. */
export function maskEvidence(text: string, result: RequestResult): string {
  const values = new Set<string>();
  for (const f of result.findings) if (f.evidence !== undefined && f.evidence !== '') values.add(f.evidence);
  // Longest first: a value that contains another is masked whole.
  for (const v of [...values].sort((a, b) => b.length - a.length)) {
    const forms = new Set([v, JSON.stringify(v).slice(1, -1)]);
    for (const form of forms) text = text.split(form).join(redact(v));
  }
  return text;
}

export function formatWouldBePayload(result: RequestResult, opts: { showEvidence: boolean; style: Style }): string {
  const { style } = opts;
  const r = result.request;
  const head = [`${r.method === 'WS' ? 'WebSocket frame to' : r.method} ${r.url ?? '(destination unknown)'}`, result.kind ? `kind ${result.kind}` : null, describeOrigin(r.origin)]
    .filter(Boolean)
    .join(' · ');
  let body = payloadText(result);
  if (!opts.showEvidence) body = maskEvidence(body, result);
  const indented = body
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
  return `${style.bold(`▸ would send: ${head}`)}\n${style.dim(indented)}\n`;
}
