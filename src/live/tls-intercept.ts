/**
 * Terminate a client's TLS inside a CONNECT tunnel with a leaf from the per-run CA, so the
 * HTTP inside can be read. A handshake that does not complete is reported with how it ended
 * (an alert, a bare hang-up): tls-hangup.ts decides whether that was a refusal of the CA.
 */
import type { Socket } from 'node:net';
import tls from 'node:tls';
import type { CertificateAuthority } from './ca.js';

/** How a handshake ended without completing (tls-hangup.ts judges what it means). */
export interface TlsHandshakeEnd {
  /** The SNI the client asked for, else the tunnel's host. */
  host: string;
  port: number;
  reason: string;
  /** A TLS alert from the client or a handshake error; false for a bare hang-up (close, reset). */
  refused: boolean;
  /** Whether the proxy had handed its certificate (its first flight) to the connection by then. */
  certificateSent: boolean;
  /** The client reset the connection (it closed with bytes it had not read: our flight, unread). */
  reset: boolean;
}

const contexts = new WeakMap<CertificateAuthority, Map<string, Promise<tls.SecureContext>>>();

function secureContextFor(ca: CertificateAuthority, host: string): Promise<tls.SecureContext> {
  let byHost = contexts.get(ca);
  if (!byHost) contexts.set(ca, (byHost = new Map()));
  const key = host.toLowerCase();
  let ctx = byHost.get(key);
  if (!ctx) {
    ctx = ca.leafFor(key).then((leaf) => tls.createSecureContext({ cert: leaf.certPem, key: leaf.keyPem, minVersion: 'TLSv1.2' }));
    byHost.set(key, ctx);
    ctx.catch(() => byHost.delete(key));
  }
  return ctx;
}

/**
 * Make the leaf certificates and TLS contexts of `hosts` ahead of their first handshake (the
 * hosts a policy names): a client on a short deadline of its own then waits for a signature
 * less. Failures are left for the handshake to report.
 */
export async function prewarmTls(ca: CertificateAuthority, hosts: readonly string[]): Promise<void> {
  await Promise.all(hosts.map((h) => secureContextFor(ca, h).catch(() => undefined)));
}

/** A short reason from an OpenSSL handshake error, e.g. "alert unknown ca". */
function reasonOf(err: Error & { code?: string; reason?: string }): string {
  const alert = /alert ([a-z ]+)/i.exec(err.message);
  if (alert) return `client sent TLS alert "${alert[1]!.trim()}"`;
  if (err.code === 'ECONNRESET') return 'client reset the connection during the handshake';
  return err.reason ?? err.message;
}

/**
 * Wrap a raw tunnel socket as the TLS server side for `host` (SNI may name another host; the
 * leaf follows it). Resolves once the handshake completes, or null after reporting a refusal.
 * The resolved socket is paused, with anything that arrived early put back: hand it to an
 * HTTP server and resume it.
 */
export async function interceptTls(
  raw: Socket,
  target: { host: string; port: number },
  ca: CertificateAuthority,
  /** Called at the moment the handshake failed (the client's state is read then). */
  onFailed: (end: TlsHandshakeEnd) => void,
): Promise<tls.TLSSocket | null> {
  const context = await secureContextFor(ca, target.host);
  return new Promise((resolve) => {
    let sni: string | undefined;
    const socket = new tls.TLSSocket(raw, {
      isServer: true,
      secureContext: context,
      // HTTP/1.1 only: the proxy reads HTTP/1.1, and every client falls back to it.
      ALPNProtocols: ['http/1.1'],
      SNICallback: (servername, cb) => {
        sni = servername;
        if (servername.toLowerCase() === target.host.toLowerCase()) return cb(null, context);
        secureContextFor(ca, servername).then(
          (c) => cb(null, c),
          (err: Error) => cb(err, undefined),
        );
      },
    });
    let settled = false;
    // What went out before the handshake (a CONNECT's "200 Connection Established") is not ours to count.
    const writtenBefore = raw.bytesWritten;
    const fail = (reason: string, hangUp = false, reset = false): void => {
      if (settled) return;
      settled = true;
      onFailed({ host: sni ?? target.host, port: target.port, reason, refused: !hangUp, certificateSent: raw.bytesWritten > writtenBefore, reset });
      socket.destroy();
      resolve(null);
    };
    // Flowing during the handshake, so a client that hangs up mid-way is noticed at once;
    // nothing but handshake bytes should come before 'secure', but nothing is dropped either.
    const early: Buffer[] = [];
    const collect = (chunk: Buffer): void => void early.push(chunk);
    socket.on('data', collect);
    socket.once('secure', () => {
      if (settled) return;
      settled = true;
      socket.removeListener('data', collect);
      socket.pause();
      if (early.length > 0) socket.unshift(Buffer.concat(early));
      resolve(socket);
    });
    socket.once('error', (err: Error & { code?: string }) => {
      const hangUp = !/alert/i.test(err.message) && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
      fail(reasonOf(err), hangUp, hangUp && err.code === 'ECONNRESET');
    });
    socket.once('close', () => fail('client closed the connection during the handshake', true));
  });
}
