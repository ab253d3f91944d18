/**
 * The line the sealed namespace's relay (ns-helper-source.ts) writes before a client's bytes:
 * `TA-SEALED <address> <port> <name|-> <root>\n`, where the client was really connecting to, the name
 * the namespace's DNS responder handed out for that address (if it did), and the host pid of the
 * namespace's PID 1, so a pid the client reports from inside can be mapped (process-exiting.ts).
 */
import { isIP } from 'node:net';
import type { Socket } from 'node:net';

export interface RelayedDestination {
  address: string;
  port: number;
  /** The host name the client resolved to this address (through the namespace's DNS). */
  name?: string;
  /** The host pid of PID 1 of the client's PID namespace. */
  namespaceRoot?: number;
}

const MAX_HEADER = 512;
const NAME = /^[a-z0-9_](?:[a-z0-9_.-]{0,252})$/i;

/** Parse one header line (without its newline); null when it is not one. */
export function parseRelayHeader(line: string): RelayedDestination | null {
  const m = /^TA-SEALED (\S+) (\d{1,5}) (\S+)(?: (\d{1,10}))?$/.exec(line);
  if (!m || isIP(m[1]!) === 0) return null;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return null;
  const name = m[3] !== '-' && NAME.test(m[3]!) ? m[3]!.toLowerCase() : undefined;
  const root = m[4] !== undefined ? Number(m[4]) : 0;
  return { address: m[1]!, port, ...(name ? { name } : {}), ...(root > 0 ? { namespaceRoot: root } : {}) };
}

/** Read the header off a relayed socket; resolves with what came after it (the client's first bytes). */
export function readRelayHeader(socket: Socket): Promise<{ destination: RelayedDestination; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const done = (err: Error | null, value?: { destination: RelayedDestination; rest: Buffer }): void => {
      socket.removeListener('data', onData);
      socket.removeListener('end', onEnd);
      if (err) reject(err);
      else resolve(value!);
    };
    const onEnd = (): void => done(new Error('the relay closed before its header'));
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const nl = buffered.indexOf(0x0a);
      if (nl === -1) {
        if (buffered.length > MAX_HEADER) done(new Error('relay header too long'));
        return;
      }
      const destination = parseRelayHeader(buffered.subarray(0, nl).toString('latin1'));
      if (!destination) return done(new Error('malformed relay header'));
      socket.pause();
      done(null, { destination, rest: buffered.subarray(nl + 1) });
    };
    socket.on('data', onData);
    socket.once('end', onEnd);
  });
}
