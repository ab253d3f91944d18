/**
 * The capture container itself is audited: a duplicate key in an NDJSON record or a HAR entry,
 * bytes that are not UTF-8 inside a body, and lines as long as the writer may write, through
 * the built CLI.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { MAX_CAPTURE_LINE_BYTES, serializeCaptureLine, serializeCaptureLineWithin } from '../../src/capture/capture-record.js';
import type { CapturedRequest } from '../../src/capture/captured-request.js';
import { readSource } from '../../src/capture/read-inputs.js';
import { runCli, runCliJson } from '../helpers/run-cli.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'ta-container-'));
const URL_ = 'https://telemetry.hasura.io/v1/http';
const clean = { topic: 'cli', data: { uuid: 'e462ce20-42dd-40fd-9549-edfb92f80455', server_uuid: '', execution_id: 'ddfa9c33-0693-457d-9026-c7f456c43322', os_platform: 'darwin', os_arch: 'arm64', version: 'v2.36.0', server_version: '', command: 'hasura init', is_error: false, payload: null } };
const leaky = { ...clean, data: { ...clean.data, command: 'hasura migrate apply --admin-secret s3cr3t-Value-42 --endpoint https://db.internal.corp:5432' } };
const str = (v: unknown) => JSON.stringify(JSON.stringify(v));

interface Report {
  exitCode: number;
  requests: Array<{ verdict: string; findings: Array<{ rule: string; message: string }> }>;
}
const rules = (r: Report) => r.requests.flatMap((q) => q.findings.map((f) => f.rule));

describe('capture container integrity', () => {
  it('an NDJSON record with two "body" keys (leaky first, clean last) is an error finding', async () => {
    const dir = tmp();
    const file = path.join(dir, 'dup.ndjson');
    const cleanLine = `{"method":"POST","url":"${URL_}","transport":"http","headers":[["content-type","application/json"]],"body":${str(clean)}}`;
    const dupLine = `{"method":"POST","url":"${URL_}","transport":"http","headers":[["content-type","application/json"]],"body":${str(leaky)},"body":${str(clean)}}`;
    writeFileSync(file, cleanLine + '\n' + dupLine + '\n');
    const { code, report } = await runCliJson<Report>(['audit', file, '--format', 'json']);
    assert.equal(code, 1);
    assert.equal(report.requests[0]!.verdict, 'pass', 'the clean record without a duplicate still passes');
    assert.equal(report.requests[1]!.verdict, 'fail');
    assert.deepEqual(rules(report), ['capture/duplicate-key']);
    assert.match(report.requests[1]!.findings[0]!.message, /key "body" appears more than once in \$ \(line 1, column \d+\)/);
  });

  it('a duplicate "url" key cannot hide a request behind a loopback address', async () => {
    const dir = tmp();
    const file = path.join(dir, 'url.ndjson');
    writeFileSync(file, `{"method":"POST","url":"${URL_}","url":"http://127.0.0.1:1/","transport":"http","headers":[],"body":${str(leaky)}}\n`);
    const { code, report } = await runCliJson<Report>(['audit', file, '--format', 'json']);
    assert.equal(code, 1);
    assert.ok(rules(report).includes('capture/duplicate-key'), rules(report).join());
  });

  it('a HAR postData with two "text" keys is an error finding on that entry only', async () => {
    const dir = tmp();
    const entry = (text: string) => `{"startedDateTime":"2026-01-01T00:00:00Z","request":{"method":"POST","url":"${URL_}","headers":[{"name":"content-type","value":"application/json"}],"postData":{"mimeType":"application/json",${text}}}}`;
    const har = `{"log":{"version":"1.2","creator":{"name":"t","version":"1"},"entries":[${entry(`"text":${str(clean)}`)},${entry(`"text":${str(leaky)},"text":${str(clean)}`)}]}}`;
    const file = path.join(dir, 'dup.har');
    writeFileSync(file, har);
    const { code, report } = await runCliJson<Report>(['audit', file, '--format', 'json']);
    assert.equal(code, 1);
    assert.deepEqual(report.requests.map((r) => r.verdict), ['pass', 'fail']);
    assert.deepEqual(rules(report), ['capture/duplicate-key']);
    assert.match(report.requests[1]!.findings[0]!.message, /\$\.log\.entries\[1\]\.request\.postData/);
  });

  it('a HAR with "entries" twice in "log" is refused: requests could hide behind it', async () => {
    const dir = tmp();
    const file = path.join(dir, 'entries.har');
    writeFileSync(file, `{"log":{"version":"1.2","entries":[{"request":{"method":"POST","url":"${URL_}","headers":[],"postData":{"text":${str(leaky)}}}}],"entries":[]}}`);
    const r = await runCli(['audit', file]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /key "entries" appears twice in \$\.log/);
  });

  for (const [name, make] of [
    ['NDJSON', (body: Buffer) => Buffer.concat([Buffer.from(`{"method":"POST","url":"${URL_}","transport":"http","headers":[],"body":"{\\"topic\\":\\"cli\\",\\"a\\":\\"`), body, Buffer.from('\\"}"}\n')])],
    ['HAR', (body: Buffer) => Buffer.concat([Buffer.from(`{"log":{"version":"1.2","entries":[{"request":{"method":"POST","url":"${URL_}","headers":[],"postData":{"text":"{\\"a\\":\\"`), body, Buffer.from('\\"}"}}}]}}')])],
    ['JSON array of capture records', (body: Buffer) => Buffer.concat([Buffer.from(`[{"method":"POST","url":"${URL_}","transport":"http","headers":[],"body":"{\\"a\\":\\"`), body, Buffer.from('\\"}"}]')])],
  ] as const) {
    it(`invalid UTF-8 inside a ${name} body is body/decode-failed, not U+FFFD`, async () => {
      const dir = tmp();
      const file = path.join(dir, `bad.${name === 'HAR' ? 'har' : name === 'NDJSON' ? 'ndjson' : 'json'}`);
      writeFileSync(file, make(Buffer.from([0x61, 0xff, 0xfe, 0xc3, 0x62])));
      const { code, report } = await runCliJson<Report>(['audit', file, '--format', 'json']);
      assert.equal(code, 1);
      const decode = report.requests[0]!.findings.find((f) => f.rule === 'body/decode-failed');
      assert.ok(decode, JSON.stringify(report.requests[0]));
      assert.match(decode.message, /not valid UTF-8/);
    });
  }

  it('the bytes of a body survive the container exactly, invalid ones included', async () => {
    const dir = tmp();
    const file = path.join(dir, 'bytes.ndjson');
    const raw = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80, 0xc0, 0xaf, 0xe2, 0x82, 0xac, 0x22, 0x7d]);
    writeFileSync(file, Buffer.concat([Buffer.from(`{"method":"POST","url":null,"transport":"http","headers":[],"body":"`), Buffer.from(raw.toString('latin1').replace(/"/g, '\\"'), 'latin1'), Buffer.from('"}\n')]));
    const got: CapturedRequest[] = [];
    for await (const r of readSource({ display: 'bytes.ndjson', path: file })) got.push(r);
    assert.deepEqual(Buffer.from(got[0]!.body), raw);
  });

  it('run --save never writes a line its reader refuses: one line cap on both sides', async () => {
    // 12 MiB of control characters escape to 72 MiB of JSON text: over the cap, so the writer
    // must pick base64; a body over the cap even so is cut, and reading it back says so.
    const big: CapturedRequest = { id: 'b', time: '2026-01-01T00:00:00.000Z', method: 'POST', url: URL_, headers: [], body: Buffer.alloc(12 * 1024 * 1024, 1), transport: 'http', origin: { kind: 'process', pid: 1 } };
    const line = serializeCaptureLine(big);
    assert.ok(Buffer.byteLength(line) <= MAX_CAPTURE_LINE_BYTES, `${Buffer.byteLength(line)} bytes`);
    const dir = tmp();
    const file = path.join(dir, 'big.ndjson');
    writeFileSync(file, line);
    const back: CapturedRequest[] = [];
    for await (const r of readSource({ display: 'big.ndjson', path: file })) back.push(r);
    assert.deepEqual(Buffer.from(back[0]!.body), Buffer.from(big.body));

    const cutLine = serializeCaptureLineWithin({ ...big, body: Buffer.alloc(4096, 1) }, 2048);
    assert.ok(Buffer.byteLength(cutLine) <= 2048, `${Buffer.byteLength(cutLine)} bytes`);
    writeFileSync(file, cutLine);
    const { code, report } = await runCliJson<Report>(['audit', file, '--format', 'json']);
    assert.equal(code, 1);
    assert.ok(report.requests[0]!.findings.some((f) => f.rule === 'body/decode-failed' && /only the first \d+ of the 4096 bytes/.test(f.message)), JSON.stringify(report));
  });
});
