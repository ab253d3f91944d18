/**
 * Escaping and the fixed parts of the HTML report. Everything a capture controls (payload keys
 * and values, URLs, file names, messages that quote them) goes through `h`: control characters
 * and bidirectional overrides become visible `\uXXXX` escapes first (a payload must not reorder
 * what a reviewer reads), then the five HTML-special characters become entities, so no value can
 * open a tag, close an attribute or start a script.
 *
 * The page needs no script and loads nothing: its Content-Security-Policy forbids every source
 * (scripts, images, fonts, frames, connections) and allows exactly the one inline stylesheet,
 * by hash, so even markup that slipped through escaping could neither run nor fetch anything.
 */
import { createHash } from 'node:crypto';
import { escapeControls } from './control-chars.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML element content or a quoted attribute value. */
export function h(text: string | number): string {
  return escapeControls(String(text)).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** An id or class fragment from untrusted text: letters, digits, '-' and '_' only. */
export function htmlId(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, (c) => `_${c.codePointAt(0)!.toString(16)}`);
}

export const HTML_CSS = `
:root { color-scheme: light; --fail: #b42318; --warn: #b54708; --pass: #067647; --info: #475467; --line: #d0d5dd; --bg: #f9fafb; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #101828; margin: 0 auto; max-width: 1200px; padding: 24px; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 20px 0 4px; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: var(--bg); font-weight: 600; white-space: nowrap; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.verdict { display: inline-block; font-size: 20px; font-weight: 700; padding: 4px 14px; border-radius: 6px; color: #fff; margin: 8px 0; }
.verdict.fail { background: var(--fail); } .verdict.warn { background: var(--warn); } .verdict.pass { background: var(--pass); } .verdict.empty, .verdict.inconclusive { background: var(--info); }
.meta { color: var(--info); margin: 2px 0; }
.sev-error { color: var(--fail); font-weight: 600; } .sev-warning { color: var(--warn); font-weight: 600; } .approved { color: var(--info); }
tr.st-fail td:first-child { border-left: 4px solid var(--fail); } tr.st-inconclusive td:first-child { border-left: 4px solid var(--info); }
tr.st-pass td:first-child { border-left: 4px solid var(--pass); } tr.st-info td:first-child { border-left: 4px solid var(--line); }
.rule { border: 1px solid var(--line); border-radius: 6px; padding: 4px 12px 8px; margin: 12px 0; }
.rule h3 { margin-top: 8px; }
details.request { border: 1px solid var(--line); border-radius: 6px; margin: 8px 0; padding: 4px 12px; }
details.request > summary { cursor: pointer; font-weight: 600; overflow-wrap: anywhere; }
details.request:target { outline: 2px solid #2e90fa; }
pre.tree { background: var(--bg); border: 1px solid var(--line); padding: 8px; overflow-x: auto; white-space: pre; }
pre.tree .violation { color: var(--fail); font-weight: 600; } pre.tree .warning { color: var(--warn); } pre.tree .close { color: var(--info); }
pre.tree .rules { color: var(--info); font-style: italic; }
.note { color: var(--info); font-style: italic; }
footer { margin-top: 32px; color: var(--info); font-size: 12px; }
`;

const CSS_HASH = createHash('sha256').update(HTML_CSS).digest('base64');

/** No script, no fetch of any kind; only the inline stylesheet above (by hash) applies. */
export const HTML_CSP = `default-src 'none'; style-src 'sha256-${CSS_HASH}'; img-src 'none'; font-src 'none'; connect-src 'none'; script-src 'none'; object-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'none'`;

export function htmlHead(title: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${HTML_CSP}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${h(title)}</title>`,
    `<style>${HTML_CSS}</style>`,
    '</head>',
  ].join('\n');
}

/** A table: `head` cells are plain text, `rows` cells are HTML already escaped by the caller. */
export function htmlTable(head: readonly string[], rows: readonly (readonly string[])[], opts: { numeric?: readonly number[]; rowClass?: (i: number) => string } = {}): string {
  const num = new Set(opts.numeric ?? []);
  const cls = (i: number) => (num.has(i) ? ' class="n"' : '');
  const out = ['<table>', `<thead><tr>${head.map((c, i) => `<th${cls(i)}>${h(c)}</th>`).join('')}</tr></thead>`, '<tbody>'];
  rows.forEach((row, r) => {
    const rc = opts.rowClass?.(r);
    out.push(`<tr${rc ? ` class="${rc}"` : ''}>${row.map((c, i) => `<td${cls(i)}>${c}</td>`).join('')}</tr>`);
  });
  out.push('</tbody>', '</table>');
  return out.join('\n');
}
