/** {{port}}: distinct per scenario, and never in the range listen(0) hands out to the proxies. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { describe, it } from 'node:test';
import { freePort } from '../../src/optout/run-pack.js';

function ephemeralLow(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
  } catch {
    return 49152;
  }
}

describe('freePort', () => {
  it('gives distinct, bindable ports below the ephemeral range', async () => {
    const taken = new Set<number>();
    const ports: number[] = [];
    for (let i = 0; i < 24; i++) ports.push(await freePort(taken));
    assert.equal(new Set(ports).size, ports.length);
    assert.ok(ports.every((p) => p >= 1024 && p < ephemeralLow()), ports.join(','));
    // Each is really free: bind it.
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(ports[0], '127.0.0.1', resolve));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
