/**
 * Terminate a client's TLS inside a CONNECT tunnel with a leaf from the per-run CA, so the
 * HTTP inside can be read. A client that does not trust the CA (pinning, its own trust store)
 * aborts the handshake: that is reported, because what it sends there stays unseen.
 */
import type { Socket } from 'node:net';
import tls from 'node:tls';
import type { CertificateAuthority } from './ca.js';

export interface TlsRefusal {
  host: string;
  port: number;
  reason: string;
  /** The client hung up without a TLS alert: a refusal only if nobody was closing it. */
  hangUp?: boolean;
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
  onRefused: (r: TlsRefusal) => void,
  /** True when the client process is known to be exiting or gone (see process-exiting.ts). */
  clientGone: () => boolean = () => false,
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
    const refuse = (reason: string, silent = false): void => {
      if (settled) return;
      settled = true;
      // A hang-up without a TLS alert from a process that is exiting is not a refusal: a CLI
      // that finishes while a background request is still connecting sent nothing there.
      if (!(silent && clientGone())) onRefused({ host: sni ?? target.host, port: target.port, reason, ...(silent ? { hangUp: true } : {}) });
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
    socket.once('error', (err: Error & { code?: string }) => refuse(reasonOf(err), !/alert/i.test(err.message) && (err.code === 'ECONNRESET' || err.code === 'EPIPE')));
    socket.once('close', () => refuse('client closed the connection during the handshake', true));
  });
}
