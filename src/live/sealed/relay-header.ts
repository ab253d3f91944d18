/**
 * The line the sealed namespace's helper (ns-helper-source.ts) passes with each client's socket:
 * `TA-SEALED <address> <port> <name|-> <root>\n`, where the client was really connecting to, the name
 * the namespace's DNS responder handed out for that address (if it did), and the host pid of the
 * namespace's PID 1, so a pid the client reports from inside can be mapped (process-exiting.ts).
 */
import { isIP } from 'node:net';

export interface RelayedDestination {
  address: string;
  port: number;
  /** The host name the client resolved to this address (through the namespace's DNS). */
  name?: string;
  /** The host pid of PID 1 of the client's PID namespace. */
  namespaceRoot?: number;
}

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
