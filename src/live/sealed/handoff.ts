/**
 * How connections out of a sealed namespace reach the proxy: as the client's own socket. The
 * namespace's helper accepts each redirected connection and passes the socket, with a relay
 * header (relay-header.ts), to a small broker this thread starts (handoff-source.ts), which hands
 * it to us over Node's IPC channel. The proxy then reads and answers the client directly, as it
 * does a client of its TCP port: no relay copies the bytes (bench: sealed-run).
 *
 *   const handoff = await startRelayHandoff({ socketPath, onSocket, onUnreadable });
 *   // the helper's cfg.socket is socketPath; each relayed connection arrives as onSocket(socket, destination)
 *   handoff.close();
 *
 * Started by the thread that serves the sockets (the proxy's worker): a handle cannot move
 * between threads, and the broker is that thread's child.
 */
import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { findTool } from './find-tool.js';
import { HANDOFF_SOURCE } from './handoff-source.js';
import { parseRelayHeader, type RelayedDestination } from './relay-header.js';

export interface RelayHandoffOptions {
  /** The SOCK_SEQPACKET Unix socket the namespaces' helpers pass their connections to. */
  socketPath: string;
  /** A relayed connection, already reading (paused until a listener takes its data). */
  onSocket(socket: Socket, destination: RelayedDestination): void;
  /** Something relayed that cannot be served (a malformed header, a lost socket). */
  onUnreadable(message: string): void;
}

export interface RelayHandoff {
  close(): void;
}

type BrokerMessage = { type: 'ready' } | { type: 'failed'; reason: string } | { type: 'unrelayed'; reason: string } | { type: 'relayed'; header: string };

export function startRelayHandoff(opts: RelayHandoffOptions): Promise<RelayHandoff> {
  const python = findTool('python3', process.env);
  if (!python) return Promise.reject(new Error('python3 is needed to take connections from the sealed namespace'));
  // The argument names the tool's pid, so a test can tell this process apart after a SIGKILL.
  const child = spawn(python, ['-I', '-S', '-c', HANDOFF_SOURCE, JSON.stringify({ socket: opts.socketPath, handoff: process.pid })], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' },
    serialization: 'json',
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-2000);
  });
  let closing = false;
  return new Promise<RelayHandoff>((resolve, reject) => {
    let ready = false;
    const fail = (why: string): void => {
      if (!ready) return reject(new Error(`the sealed hand-off broker ${why}${stderr.trim() ? `: ${stderr.trim().split('\n').pop()}` : ''}`));
      if (!closing) opts.onUnreadable(`the sealed hand-off broker ${why}: connections from the namespace can no longer be read`);
    };
    child.once('error', (err) => fail(`could not start (${err.message})`));
    child.once('exit', (code, signal) => fail(`ended (${signal ?? `exit ${code}`})`));
    child.on('message', (m: BrokerMessage, socket?: Socket) => {
      if (m.type === 'relayed') {
        if (!socket) return opts.onUnreadable('a connection relayed from the sealed namespace arrived without its socket');
        const destination = parseRelayHeader(m.header.replace(/\n$/, ''));
        if (!destination) {
          socket.destroy();
          return opts.onUnreadable('a connection relayed from the sealed namespace could not be read (malformed relay header)');
        }
        opts.onSocket(socket, destination);
      } else if (m.type === 'unrelayed') {
        opts.onUnreadable(`a connection from the sealed namespace could not be relayed (${m.reason})`);
      } else if (m.type === 'failed') {
        fail(`could not listen (${m.reason})`);
      } else if (m.type === 'ready') {
        ready = true;
        resolve({
          close: () => {
            closing = true;
            if (child.connected) child.disconnect();
            child.kill('SIGKILL');
          },
        });
      }
    });
  });
}
