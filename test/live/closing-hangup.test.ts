/**
 * A TLS client that hangs up mid-handshake without an alert is a refusal of the CA, unless the
 * tool itself was closing the target (a browser asked to close, stop(), a timeout): then the
 * connection was cut by us (issue 16: a step failure closed Chromium while its telemetry socket
 * was still connecting, and the honest console failed with live/tls-not-intercepted).
 */
import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
import tls from 'node:tls';
import { describe, it } from 'node:test';
import type { FeedEvent } from '../../src/capture/capture-feed.js';
import { LiveSession } from '../../src/live/live-session.js';
import { openTunnel } from '../helpers/live.js';
import { REPO_ROOT } from '../helpers/paths.js';

/** Starts a TLS handshake through a tunnel and hangs up (no alert) once the proxy's first flight arrives. */
async function hangUpMidHandshake(port: number, host: string): Promise<void> {
  const raw = await openTunnel(port, `${host}:443`);
  await new Promise<void>((resolve) => {
    raw.once('data', () => {
      raw.destroy();
      resolve();
    });
    const relay = new Duplex({ read() {}, write(c: Buffer, _e, cb) { raw.write(c, cb); } });
    tls.connect({ socket: relay, servername: host, rejectUnauthorized: false }).on('error', () => {});
  });
}

describe('a hang-up mid-handshake while the tool closes the target', () => {
  it('is a refusal before closingTarget(), and only a status line after it', async () => {
    const session = await LiveSession.create({ env: {}, cwd: REPO_ROOT });
    const events: FeedEvent[] = [];
    session.subscribe((e) => events.push(e));
    await session.start();
    const seen = (pred: (e: FeedEvent) => boolean) =>
      new Promise<void>((resolve) => {
        if (events.some(pred)) return resolve();
        const off = session.subscribe((e) => {
          if (pred(e)) {
            off();
            resolve();
          }
        });
      });
    try {
      await hangUpMidHandshake(session.proxy.port, 'before-close.test');
      await seen((e) => e.type === 'connection' && e.host === 'before-close.test');
      session.closingTarget();
      await hangUpMidHandshake(session.proxy.port, 'after-close.test');
      await seen((e) => e.type === 'status' && e.message.includes('after-close.test'));
    } finally {
      await session.stop();
    }
    const before = events.find((e) => e.type === 'connection' && e.host === 'before-close.test');
    assert.equal(before?.type === 'connection' ? before.rule : undefined, 'live/tls-not-intercepted');
    assert.deepEqual(events.filter((e) => e.type === 'connection' && e.host === 'after-close.test'), []);
    const status = events.find((e) => e.type === 'status' && e.message.includes('after-close.test'));
    assert.match(status?.type === 'status' ? status.message : '', /cut off as the target was being closed, with nothing sent over it \(not a refusal of the CA\)/);
  });
});
