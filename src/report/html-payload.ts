/**
 * A failing request as the HTML report shows it: where it went, what was found, and its payload
 * as a tree with every flagged field marked (the inspector's Payload tab, as a page).
 *
 * Redaction, unless evidence is revealed: every piece of evidence of the request's findings is
 * masked wherever it appears, in keys and in values, before anything is escaped or shown. When
 * a body finding's evidence cannot be found as sent (it was encoded, hashed or escaped in the
 * body), the payload is withheld whole, as in the JSON report: a report must not leak what it
 * found.
 */
import { headerValues } from '../capture/captured-request.js';
import type { RequestResult } from '../engine/audit-request.js';
import { decodeBody, decodeUtf8 } from '../engine/body-decode.js';
import { redact, type Finding } from '../engine/finding.js';
import { isJsonObject, parseJson, pathSegment } from '../json/json-parse.js';
import { fieldMarks, payloadTree } from '../tui/render/payload-tree.js';
import { destinationOf, findingSentence, positionOf, sourceOf } from './finding-text.js';
import { h } from './html-text.js';
import type { ReportedRequest } from './reporter.js';

/** Lines of one request's tree; past this the tree is cut (the JSON report has the rest). */
export const HTML_TREE_MAX_LINES = 2_000;
/** Characters of a body that is not JSON shown as text. */
const MAX_TEXT = 16 * 1024;

type Body = { kind: 'json'; payload: unknown } | { kind: 'text'; text: string } | { kind: 'none'; why: string };

function readBody(r: RequestResult): Body {
  if (r.request.body.length === 0) return { kind: 'none', why: 'no body' };
  const decoded = decodeBody(r.request.body, headerValues(r.request, 'content-encoding'));
  if (!decoded.ok) return { kind: 'none', why: `the body cannot be decoded (${decoded.error}): not shown` };
  const utf8 = decodeUtf8(decoded.bytes);
  if (!utf8.ok) return { kind: 'none', why: `${decoded.bytes.length} bytes that are not UTF-8 text: not shown` };
  const parsed = utf8.text.trim() === '' ? null : parseJson(utf8.text);
  if (parsed?.ok) return { kind: 'json', payload: parsed.value };
  return { kind: 'text', text: utf8.text };
}

/** Every field of a JSON value with its path (the engine's `$.a["b c"][0]` paths) and, for scalars, its text as shown. */
function* fields(value: unknown, path = '$'): Generator<{ path: string; value: unknown; key?: string }> {
  yield { path, value };
  if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* fields(value[i], path + pathSegment(i));
  else if (isJsonObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      const child = path + pathSegment(k);
      yield { path: child, value: k, key: k };
      yield* fields(v, child);
    }
  }
}

const scalarText = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v)));

/** Replace every piece of evidence (longest first, so a value containing another is masked whole). */
export function evidenceMask(findings: readonly Pick<Finding, 'evidence'>[]): (raw: string) => string {
  const values = [...new Set(findings.map((f) => f.evidence).filter((e): e is string => e !== undefined && e !== ''))].sort((a, b) => b.length - a.length);
  if (values.length === 0) return (s) => s;
  return (raw) => {
    let out = raw;
    for (const v of values) if (out.includes(v)) out = out.split(v).join(redact(v));
    return out;
  };
}

const within = (path: string, root: string) => path === root || path.startsWith(`${root}.`) || path.startsWith(`${root}[`);

type TreeMask = (raw: string, path: string, what: 'key' | 'value') => string;

/**
 * How to mask a payload tree, or null when it cannot be shown safely. Evidence is masked wherever
 * it appears as text; a flagged field whose evidence is not its text as shown (an object quoted
 * whole, a value found decoded) is masked whole, with everything under it. Body evidence that is
 * neither in any text nor at a field of the tree means the body hides it: withheld.
 */
function treeMask(payload: unknown, findings: readonly Finding[]): TreeMask | null {
  const text = evidenceMask(findings);
  const withEvidence = findings.filter((f) => f.location.part === 'body' && f.evidence !== undefined && f.evidence !== '');
  if (withEvidence.length === 0) return (raw) => text(raw);
  const flagged = new Map<string, string[]>();
  for (const f of withEvidence) {
    const at = f.location.part === 'body' ? f.location.path : undefined;
    if (at !== undefined) flagged.set(at, [...(flagged.get(at) ?? []), f.evidence!]);
  }
  const whole: string[] = [];
  const unseen = new Set(withEvidence.map((f) => f.evidence!));
  let key: { path: string; text: string } | null = null;
  for (const field of fields(payload)) {
    const isScalar = field.key !== undefined || field.value === null || typeof field.value !== 'object';
    const shown = isScalar ? scalarText(field.value) : null;
    if (shown !== null) for (const e of unseen) if (shown.includes(e)) unseen.delete(e);
    if (field.key !== undefined) {
      key = { path: field.path, text: field.key };
      continue;
    }
    // A field's evidence may be its value or its key (an unknown key is evidence itself).
    const evidence = flagged.get(field.path);
    const keyText = key?.path === field.path ? key.text : '';
    if (evidence && evidence.some((e) => !keyText.includes(e) && (shown === null || !shown.includes(e)))) {
      whole.push(field.path);
      for (const e of evidence) unseen.delete(e);
    }
  }
  if (unseen.size > 0) return null;
  // The flagged field's own key stays readable (the finding's location names it anyway).
  return (raw, path, what) => (whole.some((root) => within(path, root) && !(what === 'key' && path === root)) ? redact(raw) : text(raw));
}

const MARK = { violation: '✗', warning: '!' } as const;

function treeHtml(payload: unknown, findings: readonly Finding[], mask: TreeMask | undefined): string {
  const tree = payloadTree(payload, fieldMarks(findings), { ...(mask ? { mask } : {}), maxLines: HTML_TREE_MAX_LINES });
  const lines = tree.lines.map((t) => {
    const cls = t.path === null ? 'close' : t.effective === 'allowed' ? '' : t.effective;
    const marker = t.own === 'allowed' ? '  ' : `${MARK[t.own]} `;
    const rules = t.rules.length > 0 ? ` <span class="rules">${h(`${MARK[t.own === 'allowed' ? 'warning' : t.own]} ${t.rules.join(', ')}`)}</span>` : '';
    const text = `${marker}${'  '.repeat(t.depth)}${t.text}`;
    return `<span${cls ? ` class="${cls}"` : ''}${t.path !== null && t.own !== 'allowed' ? ` data-path="${h(t.path)}"` : ''}>${h(text)}</span>${rules}`;
  });
  if (tree.truncated) lines.push(`<span class="close">${h(`… the tree stops at ${HTML_TREE_MAX_LINES} lines (the JSON report has the whole request)`)}</span>`);
  return `<pre class="tree">${lines.join('\n')}</pre>`;
}

/** The request's `<details>` block (`shown`: the request as reports show it); `anchor` is its id, which the rule sections link to. */
export function requestHtml(r: RequestResult, shown: ReportedRequest, anchor: string, showEvidence: boolean): string {
  const pos = positionOf(shown.origin);
  const title = `${sourceOf(shown.origin)}${pos ? ` ${pos}` : ''} · ${shown.kind ?? 'unclassified'} · ${destinationOf(shown)}`;
  const open = shown.findings.filter((f) => !f.approved);
  const findingItems = shown.findings.map(
    (f) => `<li class="${f.approved ? 'approved' : `sev-${f.severity}`}" data-rule="${h(f.rule)}">${h(`${f.approved ? 'approved' : f.severity} ${findingSentence(f)}`)}</li>`,
  );
  const out = [
    `<details class="request" id="${anchor}" open>`,
    `<summary>${h(title)}</summary>`,
    `<p class="meta">${h(`${open.filter((f) => f.severity === 'error').length} errors, ${open.filter((f) => f.severity === 'warning').length} warnings · ${r.request.transport}${r.request.time ? ` · ${r.request.time}` : ''}`)}</p>`,
    `<ul>${findingItems.join('')}</ul>`,
  ];
  const body = readBody(r);
  const withheld = `<p class="note">${h('a finding in the body is encoded: the payload is withheld (--show-evidence reveals it)')}</p>`;
  if (body.kind === 'none') {
    out.push(`<p class="note">${h(body.why)}</p>`);
  } else if (body.kind === 'json') {
    const mask = showEvidence ? undefined : treeMask(body.payload, r.findings);
    out.push(mask === null ? withheld : treeHtml(body.payload, r.findings, mask));
  } else {
    const bodyEvidence = r.findings.filter((f) => f.location.part === 'body' && f.evidence !== undefined && f.evidence !== '');
    if (!showEvidence && bodyEvidence.some((f) => !body.text.includes(f.evidence!))) {
      out.push(withheld);
    } else {
      const masked = showEvidence ? body.text : evidenceMask(r.findings)(body.text);
      const text = masked.length > MAX_TEXT ? `${masked.slice(0, MAX_TEXT)}\n… (${masked.length - MAX_TEXT} more characters)` : masked;
      // Line by line, so line breaks stay line breaks and every other control is an escape.
      out.push(`<p class="note">${h('the body is not JSON; as sent:')}</p>`, `<pre class="tree">${text.split('\n').map(h).join('\n')}</pre>`);
    }
  }
  out.push('</details>');
  return out.join('\n');
}
