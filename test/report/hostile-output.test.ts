/**
 * A capture controls what it contains: terminal escapes in keys, methods, URLs, header names
 * and file names must reach no text sink raw, and secrets in URLs are redacted in every report
 * format as evidence is, through the built CLI.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { RequestResult } from '../../src/engine/audit-request.js';
import { maskEvidence } from '../../src/live/payload-view.js';
import { redactUrl } from '../../src/engine/url-redaction.js';
import { rawLines } from '../../src/tui/render/raw-lines.js';
import { runCli } from '../helpers/run-cli.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'ta-hostile-'));
const ESC = '\u001b';
const CLEAR = `${ESC}[2J`;
const OSC52 = `${ESC}]52;c;ZWNobyBwd25lZA==\u0007`;
const CSI8 = '\u009b2J';
// Raw control characters other than the newline that ends lines (and colour codes are off: NO_COLOR).
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

function hostileCapture(dir: string): string {
  const body = JSON.stringify({ topic: 'cli', [`k${CLEAR}`]: `v${OSC52}`, [`x${CSI8}`]: 1 });
  const rec = { method: `PO${CLEAR}ST`, url: `https://telemetry.hasura.io/v1/${encodeURIComponent('x')}${CLEAR}`, transport: 'http', headers: [[`X-Evil${OSC52}`, `v${CLEAR}`]], body };
  const file = path.join(dir, `cap${CLEAR}.ndjson`);
  writeFileSync(file, JSON.stringify(rec) + '\n');
  return file;
}

describe('terminal escapes never reach a text sink raw', () => {
  it('text and Markdown reports, and stderr, escape control characters', async () => {
    const dir = tmp();
    hostileCapture(dir);
    const md = path.join(dir, 'r.md');
    const r = await runCli(['audit', dir, '-o', '-', '-o', md, '--show-evidence']);
    assert.equal(r.code, 1, r.stderr);
    assert.doesNotMatch(r.stdout, RAW_CONTROL, JSON.stringify(r.stdout));
    assert.match(r.stdout, /\\u001b\[2J/);
    const markdown = readFileSync(md, 'utf8');
    assert.doesNotMatch(markdown, RAW_CONTROL, JSON.stringify(markdown));
    const err = await runCli(['audit', path.join(dir, `missing${OSC52}.ndjson`)]);
    assert.equal(err.code, 2);
    assert.doesNotMatch(err.stderr, RAW_CONTROL, JSON.stringify(err.stderr));
    assert.match(err.stderr, /missing\\u001b\]52/);
  });

  it("the TUI's Raw tab escapes the method", () => {
    const lines = rawLines({ id: 'a', time: '2026-01-01T00:00:00.000Z', method: `PO${CLEAR}ST`, url: 'https://x.example/', headers: [], body: new Uint8Array(), transport: 'http', origin: { kind: 'generated', generator: 't' } }, '', 80);
    const text = lines.map((l) => l.map((s) => s.text).join('')).join('\n');
    assert.doesNotMatch(text, RAW_CONTROL);
    assert.match(text, /PO\\u001b\[2JST/);
  });
});

describe('secrets in URLs are redacted like evidence', () => {
  const secretUrl = 'https://alice:hunter2pass@telemetry.hasura.io/v1/hooks/T0123ABCD456EFGH789/http?token=s3cr3tvalue99&plain=1';
  const secrets = ['hunter2pass', 's3cr3tvalue99', 'T0123ABCD456EFGH789'];

  it('in text, JSON, JUnit, SARIF and Markdown; revealed only with --show-evidence', async () => {
    const dir = tmp();
    const cap = path.join(dir, 'c.ndjson');
    writeFileSync(cap, JSON.stringify({ method: 'POST', url: secretUrl, transport: 'http', headers: [], body: '{"topic":"cli"}' }) + '\n');
    const outs = ['r.txt', 'r.json', 'r.junit.xml', 'r.sarif', 'r.md'].map((f) => path.join(dir, f));
    const r = await runCli(['audit', cap, ...outs.flatMap((o) => ['-o', o])]);
    assert.equal(r.code, 1, r.stderr);
    for (const o of outs) {
      const text = readFileSync(o, 'utf8');
      for (const s of secrets) assert.ok(!text.includes(s), `${path.basename(o)} shows ${s}`);
      assert.match(text, /telemetry\.hasura\.io/, `${path.basename(o)} still names the host`);
    }
    assert.ok(!r.stdout.includes('hunter2pass'));
    const shown = await runCli(['audit', cap, '--show-evidence']);
    assert.ok(shown.stdout.includes(secretUrl), shown.stdout);
  });

  it('keeps what a reviewer needs: scheme, host, route words, parameter names', () => {
    assert.equal(redactUrl('https://telemetry.hasura.io/v1/http', false), 'https://telemetry.hasura.io/v1/http');
    assert.equal(redactUrl('https://u:p@h.example/api/v2/events?x=abc&flag', false), 'https://[redacted 3 chars]@h.example/api/v2/events?x=[redacted 3 chars]&flag');
  });

  it('masking evidence in the live payload view leaves words that merely contain it alone', () => {
    const result = { findings: [{ evidence: 'node' }] } as unknown as RequestResult;
    assert.equal(maskEvidence('{"nodeVersion":"20","ua":"node/20.1"}', result), '{"nodeVersion":"20","ua":"[redacted 4 chars]/20.1"}');
    // Found only inside a longer word: masked there, never shown.
    assert.equal(maskEvidence('{"a":"xxsecretxx"}', { findings: [{ evidence: 'secret' }] } as unknown as RequestResult), '{"a":"xx[redacted 6 chars]xx"}');
  });
});
