/**
 * The HTML report (`--format html`, or `-o report.html`): written by the built CLI from a capture
 * whose payload is hostile (markup, quotes, control characters, a right-to-left override, a
 * leaked e-mail address in the body and a token in the URL), then opened in a real headless
 * Chromium: the rendered DOM shows the verdict, a section per rule and the payload tree, no
 * script ran, no evidence is readable, and a screenshot of it is not blank. In-process: the
 * opt-out matrix, the cap on failing requests with a spool on disk, and an encoded leak.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { serializeCaptureLine } from '../../src/capture/capture-record.js';
import { SummaryBuilder } from '../../src/engine/summary.js';
import type { OptoutMatrix } from '../../src/optout/matrix.js';
import { DEMO_MATRIX } from '../helpers/optout-matrix.js';
import { HTML_MAX_REQUESTS, htmlReporter } from '../../src/report/html-report.js';
import { endPieces, type ReportContext } from '../../src/report/reporter.js';
import { PLAIN } from '../../src/report/style.js';
import { headlessUnavailable, withPage } from '../helpers/headless-page.js';
import { decodePng, pixelStats } from '../helpers/png.js';
import { cliEnveloped, httpRequest } from '../helpers/requests.js';
import { runCli } from '../helpers/run-cli.js';
import { audit } from '../helpers/tui-session.js';

const EMAIL = 'jane.doe@acme-corp.example';
const URL_TOKEN = 's3cr3t-t0ken-value';
const SCRIPT_KEY = '<script>window.__pwned=1</script>';
const ATTR_BREAK = '"><img src=x onerror="window.__pwned=2">\'';
const RTL = 'invoice\u202Egnp.exe';
const CONTROLS = '\u001b[31mred\u0007\u009b2J';
/** A capture's file name is user data too: it is shown as the request's source. */
const FILE_NAME = 'cap<b>"\u202e.ndjson';
const UA: Array<[string, string]> = [['user-agent', 'Go-http-client/1.1']];

function hostileCapture(dir: string): string {
  const file = path.join(dir, FILE_NAME);
  const requests = [
    httpRequest(cliEnveloped({ command: `hasura version ${EMAIL}`, [SCRIPT_KEY]: ATTR_BREAK, rtl: RTL, controls: CONTROLS }), {
      id: 'leaky',
      headers: UA,
      url: `https://telemetry.hasura.io/v1/http?session=${URL_TOKEN}`,
    }),
    httpRequest(cliEnveloped(), { id: 'clean', headers: UA }),
  ];
  writeFileSync(file, requests.map(serializeCaptureLine).join(''));
  return file;
}

const ctx: ReportContext = { toolVersion: '0.0.0', policy: { name: 'hasura', title: 'Hasura' }, inputs: ['test'], showEvidence: false, quiet: false, style: PLAIN };

function render(results: ReturnType<typeof audit>[], opts: { spoolMemoryBytes?: number; optout?: OptoutMatrix; exitCode?: number } = {}): string {
  const reporter = htmlReporter(ctx, opts.spoolMemoryBytes === undefined ? {} : { spoolMemoryBytes: opts.spoolMemoryBytes });
  const summary = new SummaryBuilder();
  let out = reporter.begin();
  for (const r of results) {
    summary.add(r);
    out += reporter.result(r);
  }
  for (const piece of endPieces(reporter.end(summary.build(), opts.exitCode ?? 1, opts.optout?.verdict.conclusion, opts.optout))) out += piece;
  return out;
}

interface Dom {
  verdict: string;
  verdictColour: string;
  rules: string[];
  scripts: number;
  pwned: unknown;
  images: number;
  bold: number;
  text: string;
  treeFlagged: string[];
  requests: number;
  summaryCells: string[];
}

const DOM = `({
  verdict: document.getElementById('verdict')?.textContent,
  verdictColour: getComputedStyle(document.getElementById('verdict')).backgroundColor,
  rules: [...document.querySelectorAll('section.rule')].map((s) => s.dataset.rule),
  scripts: document.scripts.length,
  pwned: window.__pwned ?? null,
  images: document.images.length,
  bold: document.querySelectorAll('b').length,
  text: document.body.innerText,
  treeFlagged: [...document.querySelectorAll('pre.tree [data-path]')].map((e) => e.dataset.path),
  requests: document.querySelectorAll('details.request').length,
  summaryCells: [...document.querySelectorAll('#summary td')].map((td) => td.textContent),
})`;

describe('HTML report from the CLI, in headless Chromium', () => {
  let dir: string;
  /** The default report (evidence redacted) and one with --show-evidence (the hostile values as sent). */
  const files = { redacted: '', revealed: '' };
  const html = { redacted: '', revealed: '' };
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ta-html-'));
    const capture = hostileCapture(dir);
    files.redacted = path.join(dir, 'report.html');
    files.revealed = path.join(dir, 'revealed.html');
    const r = await runCli(['audit', capture, '-o', files.redacted, '--no-local-identity']);
    assert.equal(r.code, 1, r.stderr);
    // Every report in a file: stdout still gets the verdict.
    assert.match(r.stdout, /Verdict: FAIL/);
    const shown = await runCli(['audit', capture, '--format', 'html', '--show-evidence', '--no-local-identity']);
    assert.equal(shown.code, 1, shown.stderr);
    writeFileSync(files.revealed, shown.stdout);
    html.redacted = readFileSync(files.redacted, 'utf8');
    html.revealed = shown.stdout;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is one self-contained page: a strict CSP, no script, nothing it would load', () => {
    for (const page of [html.redacted, html.revealed]) {
      assert.match(page, /^<!DOCTYPE html>/);
      assert.match(page, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+';[^"]*script-src 'none'/);
      assert.doesNotMatch(page, /<script/i);
      assert.doesNotMatch(page, /<(link|img|iframe|object|embed|base|form|b)\b/i);
      assert.doesNotMatch(page, /<[a-z][^>]*\s(src|srcset|poster|data|on[a-z]+)=/i);
      // eslint-disable-next-line no-control-regex
      assert.doesNotMatch(page, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/, 'no raw control or bidi characters');
    }
  });

  it('redacted by default: no evidence in the file, URLs included', () => {
    assert.ok(!html.redacted.includes('jane.doe'), 'the e-mail address is redacted');
    assert.ok(!html.redacted.includes(URL_TOKEN), 'the URL token is redacted');
    // An unknown key is the evidence of its finding: masked in the tree (the finding's location still names it, as in every report).
    assert.match(html.redacted, /✗ {5}&quot;\[redacted 33 chars\]&quot;: /);
    assert.ok(html.redacted.includes('cap&lt;b&gt;&quot;\\u202e.ndjson'), 'the file name is escaped');
  });

  it('with --show-evidence: the hostile values escaped, controls as escapes', () => {
    assert.ok(html.revealed.includes('&lt;script&gt;window.__pwned=1&lt;/script&gt;'));
    assert.ok(html.revealed.includes('invoice\\u202egnp.exe'));
    assert.ok(html.revealed.includes('\\u001b[31mred\\u0007\\u009b2J'));
  });

  const skip = headlessUnavailable();
  if (skip) console.log(`# HTML rendering tests skipped: ${skip}`);

  it('renders: verdict, summary, rule sections, the payload tree; no script ran; evidence redacted; a non-blank screenshot', { skip: skip ?? false, timeout: 120_000 }, async () => {
    await withPage(files.redacted, async (page) => {
      const dom = await page.evaluate<Dom>(DOM);
      assert.equal(dom.verdict, 'FAIL');
      // The hashed stylesheet applied (a CSP that blocked it would leave the badge transparent).
      assert.equal(dom.verdictColour, 'rgb(180, 35, 24)');
      for (const rule of ['pii/email', 'schema/unknown-field', 'request/url-query']) assert.ok(dom.rules.includes(rule), `${rule} in ${dom.rules.join(', ')}`);
      assert.deepEqual([dom.scripts, dom.pwned, dom.images, dom.bold], [0, null, 0, 0]);
      assert.deepEqual(dom.summaryCells.slice(0, 3), ['2', '2', '0']);
      assert.equal(dom.requests, 1, 'one failing request, with its tree');
      assert.ok(dom.treeFlagged.includes('$.data.command'), dom.treeFlagged.join(', '));
      assert.ok(!dom.text.includes('jane.doe') && !dom.text.includes(URL_TOKEN), 'no evidence is readable');
      assert.match(dom.text, /\[redacted 26 chars\]/);
      assert.ok(dom.text.includes('cap<b>"\\u202e.ndjson'), 'the file name shown as text, its override escaped');

      const shot = decodePng(await page.screenshot());
      assert.ok(shot.width >= 800 && shot.height >= 600, `${shot.width}x${shot.height}`);
      const stats = pixelStats(shot);
      assert.ok(stats.colours > 20, `${stats.colours} colours`);
      assert.ok(stats.nonBackground > 0.02, `${(stats.nonBackground * 100).toFixed(1)}% of pixels are not the background`);

      await page.open(files.revealed);
      const shown = await page.evaluate<Dom>(DOM);
      assert.deepEqual([shown.scripts, shown.pwned, shown.images, shown.bold], [0, null, 0, 0], 'no markup from the payload took effect');
      // Shown as text, exactly as sent (escaped, not interpreted).
      assert.ok(shown.text.includes(SCRIPT_KEY), 'the markup key is shown as text');
      assert.ok(shown.text.includes('onerror=\\"window.__pwned=2\\"'), 'the attribute breaker is shown as text');
      assert.ok(shown.text.includes('invoice\\u202egnp.exe'), 'the RTL override is shown as an escape');
      assert.ok(shown.text.includes(EMAIL));
      assert.deepEqual(page.messages.filter((m) => /Content Security Policy|Refused/i.test(m)), [], 'nothing was blocked: nothing tried');
    });
  });
});

describe('HTML report, in-process', () => {
  it('past the cap, failing requests are counted, not shown; the spool on disk reads back whole', () => {
    const results = Array.from({ length: HTML_MAX_REQUESTS + 25 }, (_, i) =>
      audit(httpRequest(cliEnveloped({ command: `hasura version user${i}@acme-corp.example` }), { id: `r${i}`, headers: UA })),
    );
    assert.ok(results.every((r) => r.verdict === 'fail'));
    const html = render(results, { spoolMemoryBytes: 4096 });
    assert.equal(html.match(/<details class="request"/g)?.length, HTML_MAX_REQUESTS);
    assert.match(html, new RegExp(`<h2>Failing requests \\(${HTML_MAX_REQUESTS + 25}\\)</h2>`));
    assert.match(html, /the other 25 are in the JSON or SARIF report/);
    assert.ok(html.includes(`id="req-${HTML_MAX_REQUESTS}"`) && !html.includes(`id="req-${HTML_MAX_REQUESTS + 1}"`));
    assert.ok(!/user\d+@acme-corp/.test(html), 'every address redacted');
    assert.match(html, /<\/html>\n$/);
  });

  it('evidence that is a whole object, or encoded: nothing under the flagged field is shown', () => {
    const encoded = Buffer.from(EMAIL).toString('base64');
    const r = audit(httpRequest(cliEnveloped({ command: 'hasura version', payload: { note: `see ${encoded} now`, nested: ['deep value'] } }), { headers: UA }));
    // The error text rule quotes the whole payload object as its evidence.
    assert.ok(r.findings.some((f) => f.rule === 'hasura/cli-error-text' && f.location.part === 'body' && f.location.path === '$.data.payload'));
    const html = render([r]);
    assert.ok(!html.includes(encoded) && !html.includes('deep value'), 'the object under the flagged field is masked whole');
    assert.match(html, /&quot;payload&quot;: \{/, 'the flagged field itself is still named');
    assert.match(html, /&quot;\[redacted 4 chars\]&quot;: &quot;\[redacted \d+ chars\]&quot;/, 'keys and values under it are masked');
  });

  it('body evidence found nowhere in the tree: the payload is withheld, not shown', () => {
    const r = audit(httpRequest(cliEnveloped({ command: `hasura version ${EMAIL}` }), { headers: UA }));
    const emailFinding = r.findings.find((f) => f.rule === 'pii/email')!;
    // As if a detector had found the address decoded from a layer the tree does not show.
    emailFinding.evidence = 'decoded-only@acme-corp.example';
    emailFinding.location = { part: 'body' };
    const html = render([r]);
    assert.match(html, /the payload is withheld/);
    assert.ok(!html.includes('decoded-only') && !html.includes(EMAIL) && !html.includes('hasura version'));
  });

  it('an opt-out run: the matrix, a row per scenario, and its verdict as the headline', () => {
    const html = render([], { optout: { ...DEMO_MATRIX, pack: { ...DEMO_MATRIX.pack, title: 'Demo <tool>' } } });
    assert.match(html, /<p class="verdict fail" id="verdict">FAIL<\/p>/);
    assert.match(html, /<h2>Opt-out matrix: Demo &lt;tool&gt; — FAIL<\/h2>/);
    const rows = [...html.matchAll(/<tr class="st-(\w+)"><td>. <code>([^<]+)<\/code>/g)].map((m) => [m[1], m[2]]);
    assert.deepEqual(rows, [['pass', 'control'], ['pass', 'env-off'], ['fail', 'flag-off'], ['info', 'dnt']]);
    assert.match(html, /<td>LEAK: 1 request \(stopped at the first one\)<\/td>/);
    assert.match(html, /suppressed as far as the proxy can tell/);
  });
});
