/**
 * What a person watching a live run reads for each request: where it would have gone, its
 * kind, and the payload it would have delivered, pretty-printed. Values the findings flagged
 * are masked unless evidence is revealed, so the live view leaks no more than the report.
 */
import { describeOrigin } from '../capture/captured-request.js';
import type { RequestResult } from '../engine/audit-request.js';
import { redact } from '../engine/finding.js';
import type { Style } from '../report/style.js';
import { escapeControls } from '../report/control-chars.js';
import { redactUrl } from '../engine/url-redaction.js';

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

const WORD = /[\p{L}\p{N}_]/u;

/** Occurrences of `form` in `text` that are whole tokens (no letter or digit joined to either end). */
function tokenOccurrences(text: string, form: string): number[] {
  const at: number[] = [];
  for (let i = text.indexOf(form); i !== -1; i = text.indexOf(form, i + form.length)) {
    const before = i > 0 ? text[i - 1]! : '';
    const after = text[i + form.length] ?? '';
    const joined = (WORD.test(form[0]!) && WORD.test(before)) || (WORD.test(form[form.length - 1]!) && WORD.test(after));
    if (!joined) at.push(i);
  }
  return at;
}

/**
 * Mask every flagged value, raw and as it appears inside a JSON string. Where the value stands
 * as a token of its own only those places are masked, so a User-Agent term `node` does not turn
 * the key `nodeVersion` into `[redacted 4 chars]Version`; a value found only inside longer
 * words is masked everywhere, because then that is where it was found.
 */
export function maskEvidence(text: string, result: RequestResult): string {
  const values = new Set<string>();
  for (const f of result.findings) if (f.evidence !== undefined && f.evidence !== '') values.add(f.evidence);
  // Longest first: a value that contains another is masked whole.
  for (const v of [...values].sort((a, b) => b.length - a.length)) {
    const forms = new Set([v, JSON.stringify(v).slice(1, -1)]);
    const mask = redact(v);
    const anyWhole = [...forms].some((form) => tokenOccurrences(text, form).length > 0);
    for (const form of forms) {
      if (!anyWhole) text = text.split(form).join(mask);
      // From the end, so earlier offsets stay valid.
      else for (const i of tokenOccurrences(text, form).reverse()) text = text.slice(0, i) + mask + text.slice(i + form.length);
    }
  }
  return text;
}

export function formatWouldBePayload(result: RequestResult, opts: { showEvidence: boolean; style: Style }): string {
  const { style } = opts;
  const r = result.request;
  const url = r.url === null ? '(destination unknown)' : redactUrl(r.url, opts.showEvidence);
  const head = escapeControls(
    [`${r.method === 'WS' ? 'WebSocket frame to' : r.method} ${url}`, result.kind ? `kind ${result.kind}` : null, describeOrigin(r.origin)].filter(Boolean).join(' · '),
  );
  let body = payloadText(result);
  if (!opts.showEvidence) body = maskEvidence(body, result);
  const indented = body
    .split('\n')
    .map((l) => `    ${escapeControls(l)}`)
    .join('\n');
  return `${style.bold(`▸ would send: ${head}`)}\n${style.dim(indented)}\n`;
}
