import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { serializeCaptureLine } from '../../src/capture/capture-record.js';
import type { CapturedRequest } from '../../src/capture/captured-request.js';
import { InputError, readInputs, readSource, resolveInputs } from '../../src/capture/read-inputs.js';
import { FIXTURES } from '../helpers/paths.js';

async function collect(it: AsyncIterable<CapturedRequest>): Promise<CapturedRequest[]> {
  const out: CapturedRequest[] = [];
  for await (const r of it) out.push(r);
  return out;
}
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'ta-read-'));
const text = (r: CapturedRequest) => Buffer.from(r.body).toString('utf8');

describe('readers', () => {
  it('round-trips the NDJSON capture format, text and base64 bodies alike', async () => {
    const dir = tmp();
    const reqs: CapturedRequest[] = [
      { id: 'x', time: '2026-01-01T00:00:00.000Z', method: 'POST', url: 'https://telemetry.hasura.io/v1/http', headers: [['a', '1'], ['a', '2']], body: Buffer.from('{"k":"v"}'), transport: 'http', origin: { kind: 'process', pid: 1 } },
      { id: 'y', time: '2026-01-01T00:00:01.000Z', method: 'POST', url: 'https://telemetry.hasura.io/v1/http', headers: [], body: gzipSync('{"k":2}'), transport: 'http', origin: { kind: 'process', pid: 1 } },
    ];
    const file = path.join(dir, 'capture.log');
    writeFileSync(file, reqs.map(serializeCaptureLine).join(''));
    const back = await collect(readInputs(await resolveInputs([file])));
    assert.equal(back.length, 2);
    assert.deepEqual(back[0]!.headers, [['a', '1'], ['a', '2']]);
    assert.equal(text(back[0]!), '{"k":"v"}');
    assert.deepEqual(Buffer.from(back[1]!.body), gzipSync('{"k":2}'));
    assert.deepEqual(back.map((r) => r.origin), [
      { kind: 'file', file: file, format: 'ndjson', line: 1 },
      { kind: 'file', file: file, format: 'ndjson', line: 2 },
    ]);
  });

  it('streams NDJSON: every line is read, blank lines skipped, line numbers kept', async () => {
    const dir = tmp();
    const line = serializeCaptureLine({ id: 'i', time: '2026-01-01T00:00:00.000Z', method: 'POST', url: null, headers: [], body: Buffer.from('{}'), transport: 'http', origin: { kind: 'generated', generator: 't' } });
    writeFileSync(path.join(dir, 'c.ndjson'), `\n${line}\r\n${line}not json at all\n${line}`);
    const back = await collect(readInputs(await resolveInputs([dir])));
    assert.deepEqual(back.map((r) => (r.origin.kind === 'file' ? r.origin.line : -1)), [2, 4, 5, 6]);
    // The foreign line is kept as a bare payload for the engine to report.
    assert.equal(text(back[2]!), 'not json at all');
    assert.equal(back[2]!.url, null);
  });

  it('reads HAR request bodies, base64 bodies, and only the WebSocket frames the client sent', async () => {
    const back = await collect(readInputs(await resolveInputs([path.join(FIXTURES, 'hasura/wire/console.har')])));
    assert.equal(back.length, 9);
    const frames = back.filter((r) => r.transport === 'websocket');
    assert.equal(frames.length, 8);
    assert.ok(frames.every((f) => f.method === 'WS' && f.url === 'wss://telemetry.hasura.io/v1/ws'));
    assert.match(text(frames[0]!), /"topic":"console-v2"/);
    assert.ok(frames[0]!.headers.some(([n]) => n === 'Origin'));
    const dir = tmp();
    const har = { log: { version: '1.2', entries: [{ startedDateTime: '2026-01-01T00:00:00Z', request: { method: 'POST', url: 'https://t.example/x?a=1', headers: [], postData: { mimeType: 'application/json', text: Buffer.from('{"b64":true}').toString('base64'), encoding: 'base64' } } }] } };
    writeFileSync(path.join(dir, 'x.har'), JSON.stringify(har));
    const [r] = await collect(readInputs(await resolveInputs([path.join(dir, 'x.har')])));
    assert.equal(text(r!), '{"b64":true}');
    assert.equal(r!.url, 'https://t.example/x?a=1');
  });

  it('splits a JSON array into payloads with their exact bytes (duplicate keys survive)', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'a.json'), '[{"a":1,"a":2},\n {"b":3}]');
    const back = await collect(readInputs(await resolveInputs([path.join(dir, 'a.json')])));
    assert.deepEqual(back.map(text), ['{"a":1,"a":2}', '{"b":3}']);
    assert.ok(back.every((r) => r.url === null));
  });

  it('reads one payload per line (JSON lines of bare payloads)', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'p.jsonl'), '{"a":1}\n{"b":2}\n');
    const back = await collect(readInputs(await resolveInputs([path.join(dir, 'p.jsonl')])));
    assert.deepEqual(back.map(text), ['{"a":1}', '{"b":2}']);
  });

  it('keeps malformed JSON as one request for the engine to report with a position', async () => {
    const back = await collect(readInputs(await resolveInputs([path.join(FIXTURES, 'hasura/samples/ee-usage-metrics.malformed.json')])));
    assert.equal(back.length, 1);
    assert.match(text(back[0]!), /hasura_graphql_requests_total/);
  });

  it('reads stdin, streaming NDJSON or buffering a document', async () => {
    const line = serializeCaptureLine({ id: 'i', time: '2026-01-01T00:00:00.000Z', method: 'POST', url: null, headers: [], body: Buffer.from('{}'), transport: 'http', origin: { kind: 'generated', generator: 't' } });
    const a = await collect(readSource({ display: '-', path: null }, Readable.from([Buffer.from(line.slice(0, 10)), Buffer.from(line.slice(10) + line)])));
    assert.equal(a.length, 2);
    assert.equal(a[1]!.origin.kind, 'stdin');
    const b = await collect(readSource({ display: '-', path: null }, Readable.from([Buffer.from('{"x":\n 1}')])));
    assert.deepEqual(b.map(text), ['{"x":\n 1}']);
  });

  it('expands globs and directories, and refuses what is not there', async () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'sub', 'a.json'), '{}');
    writeFileSync(path.join(dir, 'b.ndjson'), '{}');
    writeFileSync(path.join(dir, 'notes.txt'), 'x');
    const viaDir = await resolveInputs([dir]);
    assert.deepEqual(viaDir.map((s) => path.basename(s.path!)).sort(), ['a.json', 'b.ndjson']);
    const viaGlob = await resolveInputs([path.join(dir, '**/*.json').split(path.sep).join('/')]);
    assert.deepEqual(viaGlob.map((s) => path.basename(s.path!)), ['a.json']);
    await assert.rejects(resolveInputs([path.join(dir, 'missing.json')]), InputError);
    await assert.rejects(resolveInputs([path.join(dir, '*.har')]), /matches no file/);
    await assert.rejects(resolveInputs([path.join(dir, 'sub', 'empty')]), InputError);
    const emptyFile = path.join(dir, 'empty.json');
    writeFileSync(emptyFile, '\n\n');
    await assert.rejects(collect(readInputs(await resolveInputs([emptyFile]))), /empty input/);
  });

  it('rejects a malformed capture record with its line', async () => {
    const dir = tmp();
    const bad = JSON.stringify({ method: 'POST', url: null, transport: 'http', headers: [['only-name']], body: '{}' });
    writeFileSync(path.join(dir, 'bad.ndjson'), bad + '\n');
    await assert.rejects(collect(readInputs(await resolveInputs([path.join(dir, 'bad.ndjson')]))), /bad\.ndjson:1: malformed capture record/);
  });
});
