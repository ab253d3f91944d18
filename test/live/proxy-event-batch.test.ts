/**
 * The hand-off from the proxy's thread (src/live/proxy-event-batch.ts): a batch of events
 * crosses a real MessageChannel with its request bodies in one transferred buffer, and arrives
 * in order with every body byte for byte; then the same through the proxy thread itself, with
 * bodies that arrive in one read, in many, empty, and interleaved with connection findings.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { describe, it } from 'node:test';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { FeedEvent } from '../../src/capture/capture-feed.js';
import type { CapturedRequest } from '../../src/capture/captured-request.js';
import { LiveSession } from '../../src/live/live-session.js';
import { packEvents, unpackEvents, type PackedEvents, type ProxyEventItem } from '../../src/live/proxy-event-batch.js';
import { EventLog } from '../helpers/live.js';
import { REPO_ROOT } from '../helpers/paths.js';

const request = (id: string, body: Uint8Array): FeedEvent => ({
  type: 'request',
  request: { id, time: '2026-01-01T00:00:00.000Z', method: 'POST', url: 'http://telemetry.test/v1', headers: [['content-type', 'application/json']], body, transport: 'http', origin: { kind: 'process' }, connection: 'c1' },
});
const finding: FeedEvent = { type: 'connection', rule: 'live/unreadable', severity: 'error', message: 'traffic to the proxy is not HTTP/1.1', host: '127.0.0.1', time: '2026-01-01T00:00:00.000Z' };

function receiveOne(port: MessagePort): Promise<PackedEvents> {
  return new Promise((resolve) => port.once('message', (m: PackedEvents) => resolve(m)));
}

describe('proxy event batches: bodies cross threads in one transferred buffer', () => {
  it('keeps the order of events and every body byte for byte, whatever buffer the body is a view of', async () => {
    const pool = Buffer.from('0123456789abcdefghij');
    const shared = Buffer.from('{"shared":true}');
    const big = randomBytes(300_000);
    const bodies: Uint8Array[] = [Buffer.from('{"a":1}'), pool.subarray(5, 12), new Uint8Array(0), shared, shared, big, new Uint8Array([0, 255, 1, 254])];
    const expected = bodies.map((b) => Buffer.from(b));
    const items: ProxyEventItem[] = [];
    bodies.forEach((b, i) => {
      items.push({ event: request(`live-${i + 1}`, b), ...(i === 2 ? { pid: 4242 } : {}) });
      if (i % 3 === 0) items.push({ event: { ...finding, message: `finding after ${i + 1}` } });
    });
    items.push({ event: { type: 'status', message: 'last' } });
    const order = items.map(({ event }) => (event.type === 'request' ? event.request.id : event.type === 'connection' ? event.message : event.type));

    const { port1, port2 } = new MessageChannel();
    try {
      const { packed, transfer } = packEvents(items);
      const received = receiveOne(port2);
      port1.postMessage(packed, transfer);
      assert.equal(packed.bodies.byteLength, 0, 'the buffer was moved to the other side, not copied');
      const out = unpackEvents(await received);
      assert.deepEqual(out.map(({ event }) => (event.type === 'request' ? event.request.id : event.type === 'connection' ? event.message : event.type)), order);
      const got = out.flatMap(({ event }) => (event.type === 'request' ? [event.request.body] : []));
      assert.equal(got.length, expected.length);
      got.forEach((b, i) => assert.ok(Buffer.from(b.buffer, b.byteOffset, b.byteLength).equals(expected[i]!), `body ${i + 1} arrived byte for byte`));
      assert.equal(out.find(({ event }) => event.type === 'request' && event.request.id === 'live-3')?.pid, 4242, 'the pid travels next to its event');
      // The sender's buffers are untouched: only the copy moved.
      assert.ok(Buffer.from(pool).equals(Buffer.from('0123456789abcdefghij')));
    } finally {
      port1.close();
      port2.close();
    }
  });

  it('every request arrives field for field, packed flat or, with fields the flat form does not hold, as itself', async () => {
    const base = (request('live-1', Buffer.from('{}')) as Extract<FeedEvent, { type: 'request' }>).request;
    const requests: Array<{ request: CapturedRequest; pid?: number }> = [
      { request: { ...base, id: 'flat', headers: [['Host', 'a.test'], ['x-dup', '1'], ['X-Dup', '2'], ['empty', '']] } },
      { request: { ...base, id: 'flat-pid', origin: { kind: 'process', pid: 77 } }, pid: 77 },
      { request: { id: 'no-url-no-connection', time: base.time, method: 'WS', url: null, headers: [], body: new Uint8Array(0), transport: 'websocket', origin: { kind: 'process' } } },
      { request: { ...base, id: 'problems', containerProblems: [{ rule: 'body/decode-failed', message: 'not UTF-8' }] } },
      { request: { ...base, id: 'scenario-origin', origin: { kind: 'process', scenario: 'control' } } },
      { request: { ...base, id: 'file-origin', origin: { kind: 'file', file: 'x.ndjson', format: 'ndjson', line: 3 } } },
    ];
    const expected = requests.map(({ request: r }) => ({ ...r, origin: { ...r.origin }, headers: r.headers.map(([k, v]) => [k, v]), body: Buffer.from(r.body) }));
    const { packed, transfer } = packEvents(requests.map(({ request: r, pid }) => ({ event: { type: 'request', request: r }, ...(pid ? { pid } : {}) })));
    assert.deepEqual(packed.items.map((i) => (i === null ? 'flat' : 'object')), ['flat', 'flat', 'flat', 'object', 'object', 'object']);
    const { port1, port2 } = new MessageChannel();
    try {
      const received = receiveOne(port2);
      port1.postMessage(packed, transfer);
      const out = unpackEvents(await received);
      assert.equal(out.length, expected.length);
      out.forEach(({ event }, i) => {
        assert.equal(event.type, 'request');
        const { body, ...rest } = (event as Extract<FeedEvent, { type: 'request' }>).request;
        const { body: want, ...wantRest } = expected[i]!;
        assert.deepEqual(rest, wantRest);
        // Same keys in the same order: a saved capture or report reads the same either way.
        assert.deepEqual(Object.keys(rest), Object.keys(wantRest));
        assert.ok(Buffer.from(body.buffer, body.byteOffset, body.byteLength).equals(want));
      });
      assert.equal(out[1]!.pid, 77);
    } finally {
      port1.close();
      port2.close();
    }
  });

  it('the receiving thread makes every request\'s origin from its pid, flat or not', () => {
    const base = (request('live-1', Buffer.from('{}')) as Extract<FeedEvent, { type: 'request' }>).request;
    const { packed } = packEvents([
      { event: { type: 'request', request: { ...base, origin: { kind: 'process', pid: 5 } } }, pid: 5 },
      { event: { type: 'request', request: { ...base, body: Buffer.from('x'), containerProblems: [] } } },
    ]);
    const origins = unpackEvents(packed, (pid) => ({ kind: 'process', command: 'target --flag', ...(pid ? { pid } : {}) })).map(({ event }) => (event.type === 'request' ? event.request.origin : null));
    assert.deepEqual(origins, [{ kind: 'process', command: 'target --flag', pid: 5 }, { kind: 'process', command: 'target --flag' }]);
    assert.notEqual(origins[0], origins[1], 'each request has an origin of its own (the opt-out runner names its step in it)');
  });

  it('a batch without requests carries an empty buffer', async () => {
    const { packed } = packEvents([{ event: finding }]);
    assert.equal(packed.bodies.byteLength, 0);
    assert.deepEqual([...packed.ends], []);
    assert.deepEqual(unpackEvents(packed).map(({ event }) => event.type), ['connection']);
  });

  it('through the proxy thread: every body arrives exact and in the order sent, from one read, many reads or none', { timeout: 60_000 }, async () => {
    const session = await LiveSession.create({ env: {}, cwd: REPO_ROOT });
    const log = new EventLog();
    session.subscribe(log.push);
    await session.start();
    try {
      const sent: Buffer[] = [Buffer.from('{"one":"read"}'), Buffer.alloc(0), randomBytes(1 << 20), Buffer.from('{"last":true}')];
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      for (const [i, body] of sent.entries()) {
        await new Promise<void>((resolve, reject) => {
          const req = http.request({ host: '127.0.0.1', port: session.proxy.port, method: 'POST', path: `http://telemetry.test/v1/${i}`, headers: { host: 'telemetry.test' }, agent }, (res) => {
            res.resume();
            res.on('end', () => resolve());
          });
          req.on('error', reject);
          // The big body in many writes, so it reaches the proxy in many reads.
          if (body.length > 65_536) for (let at = 0; at < body.length; at += 65_536) req.write(body.subarray(at, at + 65_536));
          req.end(body.length > 65_536 ? undefined : body);
        });
      }
      agent.destroy();
      await log.waitFor('every request', () => log.requests().length === sent.length);
      const got: CapturedRequest[] = log.requests();
      assert.deepEqual(got.map((r) => r.url), sent.map((_, i) => `http://telemetry.test/v1/${i}`));
      got.forEach((r, i) => assert.ok(Buffer.from(r.body.buffer, r.body.byteOffset, r.body.byteLength).equals(sent[i]!), `body ${i} arrived byte for byte`));
    } finally {
      await session.stop();
    }
  });
});
