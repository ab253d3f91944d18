import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { findTool } from '../../src/live/sealed/find-tool.js';
import { startRelayHandoff } from '../../src/live/sealed/handoff.js';
import type { RelayedDestination } from '../../src/live/sealed/relay-header.js';

/**
 * What a namespace's helper does with a redirected connection (ns-helper-source.ts), on loopback
 * and without a namespace: pass the accepted socket with its header over SOCK_SEQPACKET. Then a
 * malformed header (with a socket) and a header without a socket. The client prints what the
 * proxy's side answered it.
 */
const SENDER = String.raw`
import socket, struct, sys
path = sys.argv[1]
server = socket.create_server(('127.0.0.1', 0))
client = socket.create_connection(server.getsockname())
accepted, _ = server.accept()
client.sendall(b'POST /v1/collect HTTP/1.1\r\n\r\n')
up = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
up.connect(path)
fd = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, struct.pack('i', accepted.fileno()))]
up.sendmsg([b'TA-SEALED 192.0.2.7 443 api.telemetry.test 4242\n'], fd)
accepted.close()
other = socket.create_connection(server.getsockname())
bad, _ = server.accept()
up.sendmsg([b'TA-SEALED not-an-address 443 - 1\n'], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, struct.pack('i', bad.fileno()))])
bad.close()
up.sendmsg([b'TA-SEALED 192.0.2.8 80 - 1\n'])
print(client.recv(100).decode(), flush=True)
`;

async function until(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function processesWith(token: string): number {
  let n = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'latin1').includes(token)) n++;
    } catch {
      /* gone */
    }
  }
  return n;
}

describe('sealed hand-off: a relayed connection reaches the proxy as the client\'s own socket', () => {
  it('passes the socket with its destination, reports a malformed header and a header without a socket, and ends with close()', async (t) => {
    const python = findTool('python3', process.env);
    if (process.platform !== 'linux' || !python) return t.skip('needs Linux and python3 (SCM_RIGHTS over a Unix socket)');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ta-handoff-'));
    const socketPath = path.join(dir, 'relay.sock');
    const relayed: Array<{ destination: RelayedDestination; data: string }> = [];
    const unreadable: string[] = [];
    const handoff = await startRelayHandoff({
      socketPath,
      onSocket: (socket: Socket, destination) => {
        const entry = { destination, data: '' };
        relayed.push(entry);
        socket.setEncoding('utf8').on('data', (d: string) => {
          entry.data += d;
          if (entry.data.endsWith('\r\n\r\n')) socket.end('answered by the proxy side');
        });
      },
      onUnreadable: (message) => unreadable.push(message),
    });
    try {
      assert.equal(processesWith(socketPath), 1, 'the broker runs');
      const sender = spawn(python, ['-I', '-S', '-c', SENDER, socketPath], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      sender.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      sender.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      const code = await new Promise<number | null>((resolve) => sender.once('close', resolve));
      assert.equal(code, 0, err);
      assert.equal(out.trim(), 'answered by the proxy side', 'the client was answered through the socket it connected with');
      assert.equal(relayed.length, 1);
      assert.deepEqual(relayed[0]!.destination, { address: '192.0.2.7', port: 443, name: 'api.telemetry.test', namespaceRoot: 4242 });
      assert.equal(relayed[0]!.data, 'POST /v1/collect HTTP/1.1\r\n\r\n', 'the client\'s bytes, none lost to the hand-off');
      await until('both failures to be reported', () => unreadable.length >= 2);
      assert.ok(unreadable.some((m) => /malformed relay header/.test(m)), unreadable.join('\n'));
      assert.ok(unreadable.some((m) => /could not be relayed \(a relayed connection arrived without its socket/.test(m)), unreadable.join('\n'));
    } finally {
      handoff.close();
      await until('the broker to end', () => processesWith(socketPath) === 0);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails to start with the reason when it cannot listen', async (t) => {
    if (process.platform !== 'linux' || !findTool('python3', process.env)) return t.skip('needs Linux and python3');
    await assert.rejects(
      startRelayHandoff({ socketPath: path.join(os.tmpdir(), 'ta-no-such-dir', String(process.pid), 'relay.sock'), onSocket: () => {}, onUnreadable: () => {} }),
      /hand-off broker could not listen .*No such file or directory/,
    );
  });
});
