import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CapturedRequest } from '../../src/capture/captured-request.js';
import { harToRequests } from '../../src/capture/har.js';
import { HarBuilder } from '../../src/capture/har-writer.js';

const origin = { kind: 'process', command: 'x' } as const;
const req = (over: Partial<CapturedRequest>): CapturedRequest => ({
  id: 'r',
  time: '2026-11-02T09:15:02.000Z',
  method: 'POST',
  url: 'https://telemetry.hasura.io/v1/http',
  headers: [['content-type', 'application/json']],
  body: Buffer.from('{"a":1}'),
  transport: 'http',
  origin,
  ...over,
});

describe('HAR writer', () => {
  it('writes HTTP requests, binary bodies and WebSocket frames that the HAR reader reads back as sent', () => {
    const har = new HarBuilder({ status: 200, body: '{}', contentType: 'application/json' });
    const sent = [
      req({ id: 'a' }),
      req({ id: 'b', body: Buffer.from([0x1f, 0x8b, 0xff, 0x00]), headers: [['content-encoding', 'gzip']] }),
      req({ id: 'c', method: 'WS', url: 'wss://telemetry.hasura.io/v1/ws', transport: 'websocket', connection: 't1', body: Buffer.from('{"n":1}'), headers: [['upgrade', 'websocket']] }),
      req({ id: 'd', method: 'WS', url: 'wss://telemetry.hasura.io/v1/ws', transport: 'websocket', connection: 't1', body: Buffer.from('{"n":2}'), time: '2026-11-02T09:15:03.500Z', headers: [['upgrade', 'websocket']] }),
      req({ id: 'e', method: 'GET', url: 'wss://telemetry.hasura.io/v1/ws', transport: 'websocket', connection: 't2', body: new Uint8Array(), headers: [['upgrade', 'websocket']] }),
    ];
    for (const r of sent) har.add(r);
    const parsed = JSON.parse(har.toString()) as { log: { version: string; entries: unknown[] } };
    assert.equal(parsed.log.version, '1.2');
    assert.equal(parsed.log.entries.length, 4, 'two HTTP entries and one entry per WebSocket connection');
    const back = harToRequests(parsed, () => origin, (e, f) => `${e}.${f ?? 0}`);
    assert.deepEqual(
      back.map((r) => [r.method, r.url, r.transport, Buffer.from(r.body).toString('hex'), r.time]),
      sent.map((r) => [r.method, r.url, r.transport, Buffer.from(r.body).toString('hex'), r.time]),
    );
    assert.deepEqual(back[1]!.headers, [['content-encoding', 'gzip']]);
  });
});
