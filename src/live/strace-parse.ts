/**
 * Read `strace -f -xx -e trace=connect,sendto,sendmsg,sendmmsg` output: every connect() to an
 * IPv4/IPv6 address, and every DNS query (a connect or send to port 53), with the queried
 * name when the packet is in the trace. Pure: lines in, events out.
 *
 *   4242 connect(3, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("1.2.3.4")}, 16) = -1 EINPROGRESS (...)
 *   4242 connect(5, {sa_family=AF_INET6, sin6_port=htons(443), ..., inet_pton(AF_INET6, "::1", &sin6_addr), ...}, 28 <unfinished ...>
 *   4242 sendmmsg(3, [{msg_hdr={..., msg_iov=[{iov_base="\x12\x34...", iov_len=38}], ...}], 2, MSG_NOSIGNAL) = 2
 */

export interface SocketAddress {
  address: string;
  port: number;
}

export type TraceEvent =
  | { type: 'connect'; pid: number; fd: number; to: SocketAddress; result: string }
  | { type: 'dns'; pid: number; server: SocketAddress; name: string | null };

export const DNS_PORT = 53;

const LINE = /^(?:\[pid\s+)?(\d+)\]?\s+(connect|sendto|sendmsg|sendmmsg)\((\d+),\s*(.*)$/;
const INET = /sa_family=AF_INET,\s*sin_port=htons\((\d+)\),\s*sin_addr=inet_addr\("([^"]+)"\)/;
const INET6 = /sa_family=AF_INET6,\s*sin6_port=htons\((\d+)\).*?inet_pton\(AF_INET6,\s*"([^"]+)"/;
const RESULT = /\)\s*=\s*(-?\d+(?:\s+[A-Z0-9_]+)?)/;
const STRING = /"((?:\\x[0-9a-fA-F]{2}|\\.|[^"\\])*)"/;

function addressIn(args: string): SocketAddress | null {
  const v4 = INET.exec(args);
  if (v4) return { address: text(v4[2]!), port: Number(v4[1]) };
  const v6 = INET6.exec(args);
  if (v6) {
    const address = text(v6[2]!);
    // An IPv4-mapped IPv6 address is an IPv4 connection.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    return { address: mapped ? mapped[1]! : address, port: Number(v6[1]) };
  }
  return null;
}

/** With -xx even addresses are printed as \xNN escapes. */
function text(literal: string): string {
  return literal.includes('\\') ? straceStringBytes(literal).toString('latin1') : literal;
}

/** Bytes of a strace string literal (`-xx` gives \xNN for every byte; plain escapes also handled). */
export function straceStringBytes(literal: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < literal.length; i++) {
    const c = literal[i]!;
    if (c !== '\\') {
      out.push(c.charCodeAt(0) & 0xff);
      continue;
    }
    const n = literal[++i];
    if (n === 'x') {
      out.push(parseInt(literal.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (n !== undefined && /[0-7]/.test(n)) {
      const oct = /^[0-7]{1,3}/.exec(literal.slice(i))![0];
      out.push(parseInt(oct, 8));
      i += oct.length - 1;
    } else {
      out.push({ n: 10, t: 9, r: 13, v: 11, f: 12, '"': 34, '\\': 92 }[n as 'n'] ?? (n ?? '').charCodeAt(0));
    }
  }
  return Buffer.from(out);
}

/** The first question's name of a DNS query packet, or null when it is not one. */
export function dnsQueryName(packet: Buffer, tcp = false): string | null {
  // Over TCP a DNS message is preceded by its 2-byte length.
  const p = tcp ? packet.subarray(2) : packet;
  if (p.length < 17) return null;
  const flags = p.readUInt16BE(2);
  const questions = p.readUInt16BE(4);
  if (flags & 0x8000 || questions === 0) return null; // a response, or no question
  const labels: string[] = [];
  let i = 12;
  for (;;) {
    if (i >= p.length) return null;
    const len = p[i]!;
    if (len === 0) break;
    if (len > 63 || i + 1 + len > p.length) return null;
    labels.push(p.subarray(i + 1, i + 1 + len).toString('latin1'));
    i += 1 + len;
  }
  return labels.length > 0 ? labels.join('.') : '.';
}

/**
 * Stateful: a UDP resolver usually connect()s its socket to the server and then sends without
 * an address, so the fd's destination is remembered per thread. A DNS connect whose packet is
 * never traced (Go writes with write(2)) is reported without a name by flush().
 */
export class StraceParser {
  private readonly dnsSockets = new Map<string, { server: SocketAddress; at: number; named: boolean }>();

  /** Events from one line of trace output. `now` is a clock in ms, for flush(). */
  line(text: string, now = 0): TraceEvent[] {
    const m = LINE.exec(text);
    if (!m) return [];
    const pid = Number(m[1]);
    const call = m[2]!;
    const fd = Number(m[3]);
    const args = m[4]!;
    const key = `${pid}:${fd}`;
    const events: TraceEvent[] = [];

    if (call === 'connect') {
      // A socket reconnected elsewhere: a pending, unnamed lookup on it is reported now.
      events.push(...this.release(key));
      const to = addressIn(args);
      if (!to) return events;
      const result = RESULT.exec(args)?.[1] ?? (args.includes('<unfinished') ? 'pending' : 'unknown');
      if (to.port === DNS_PORT) {
        this.dnsSockets.set(key, { server: to, at: now, named: false });
        return events;
      }
      events.push({ type: 'connect', pid, fd, to, result });
      return events;
    }

    // sendto / sendmsg / sendmmsg: a DNS query when addressed to port 53 or sent on a socket
    // connected there.
    const explicit = addressIn(args);
    const pending = this.dnsSockets.get(key);
    const server = explicit && explicit.port === DNS_PORT ? explicit : explicit ? null : (pending?.server ?? null);
    if (!server) return events;
    const literal = STRING.exec(args)?.[1];
    const bytes = literal !== undefined ? straceStringBytes(literal) : null;
    const name = bytes ? (dnsQueryName(bytes) ?? dnsQueryName(bytes, true)) : null;
    if (pending && !explicit) {
      if (pending.named && name === null) return events;
      pending.named = true;
    }
    events.push({ type: 'dns', pid, server, name });
    return events;
  }

  /** Report DNS connects older than `maxAgeMs` whose query was never seen (all of them at the end). */
  flush(now = Infinity, maxAgeMs = 0): TraceEvent[] {
    const out: TraceEvent[] = [];
    for (const [key, s] of this.dnsSockets) {
      if (now - s.at < maxAgeMs) continue;
      if (!s.named) out.push({ type: 'dns', pid: Number(key.split(':')[0]), server: s.server, name: null });
      this.dnsSockets.delete(key);
    }
    return out;
  }

  private release(key: string): TraceEvent[] {
    const s = this.dnsSockets.get(key);
    if (!s) return [];
    this.dnsSockets.delete(key);
    return s.named ? [] : [{ type: 'dns', pid: Number(key.split(':')[0]), server: s.server, name: null }];
  }
}
