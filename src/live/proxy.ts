/**
 * The intercepting forward proxy. It listens on loopback, takes plain proxy requests
 * (absolute-form), CONNECT tunnels (TLS terminated with the per-run CA, or plain HTTP inside)
 * and WebSocket upgrades, turns everything a client sends into CapturedRequests, and answers
 * as the endpoint would. Dry-run is the only mode: it has no code path that opens a
 * connection anywhere, so nothing can be forwarded.
 *
 * Findings it cannot make into requests (a client that refused the CA, bytes that are not
 * HTTP) leave as `connection` feed events.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import net, { type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { FeedEvent } from '../capture/capture-feed.js';
import type { CaptureOrigin, CapturedRequest, Transport } from '../capture/captured-request.js';
import { isLoopbackHost } from '../engine/loopback.js';
import { RULES } from '../engine/rules.js';
import type { CertificateAuthority } from './ca.js';
import { DEFAULT_FAKE_RESPONSE, type FakeResponse } from './fake-response.js';
import { clientState } from './process-exiting.js';
import { startRelayHandoff, type RelayHandoff } from './sealed/handoff.js';
import type { RelayedDestination } from './sealed/relay-header.js';
import { tlsEndEvent, type TlsEndFacts } from './tls-hangup.js';
import { interceptTls, prewarmTls } from './tls-intercept.js';
import { WebSocketCapture } from './websocket-capture.js';

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface ProxyOptions {
  ca: CertificateAuthority;
  /** Address to bind (default 127.0.0.1). */
  host?: string;
  /** Port to bind (default 0: a free port). */
  port?: number;
  /** Accept clients that are not on loopback (only sensible with a non-loopback --host). */
  allowRemoteClients?: boolean;
  respond?: FakeResponse;
  maxBodyBytes?: number;
  /** How captures are labelled; `pid` is the client's, when its preload said so. */
  origin?: (pid: number | undefined) => CaptureOrigin;
  /**
   * Also take connections out of a sealed namespace, passed as sockets on this Unix socket
   * (sealed/handoff.ts), each with a header naming where the client connected.
   */
  transparentSocket?: string;
  /** Hosts whose leaf certificates and TLS contexts are made as soon as the proxy listens (a policy's destinations). */
  warmHosts?: readonly string[];
  emit(event: FeedEvent): void;
}

export class ProxyStartError extends Error {
  override name = 'ProxyStartError';
}

export interface InterceptingProxy {
  readonly host: string;
  readonly port: number;
  /** http://host:port, as clients are told. */
  readonly url: string;
  readonly stats: { requests: number; tunnels: number; refusedClients: number };
  /** Wait (up to `maxMs`) until every client connection has closed, so their last events are in. */
  drain(maxMs: number): Promise<void>;
  close(): Promise<void>;
}

interface Tunnel {
  id: string;
  host: string;
  port: number;
  secure: boolean;
  pid: number | undefined;
  /** Requests (or unreadable bytes) seen in it: a TLS tunnel closed with none was likely refused. */
  used: number;
  /** A connection redirected out of a sealed namespace: its requests name their host (Host header). */
  transparent?: boolean;
  /** Sealed: the host pid of PID 1 of the client's PID namespace (`pid` is a pid in there). */
  namespaceRoot?: number;
}

/** Which clients the proxy serves: loopback only, unless remote clients were allowed. */
export function acceptsClient(remoteAddress: string | undefined, allowRemote = false): boolean {
  if (allowRemote) return true;
  return remoteAddress !== undefined && isLoopbackHost(remoteAddress);
}

/** host:port from a CONNECT request target, IPv6 in brackets; null when malformed. */
export function parseAuthority(target: string | undefined): { host: string; port: number } | null {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:/[\]]+)):(\d{1,5})$/.exec(target ?? '');
  if (!m) return null;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return null;
  return { host: (m[1] ?? m[2])!, port };
}

const CONNECT_PREFIX = Buffer.from('CONNECT ');
const MAX_CONNECT_HEAD = 16 * 1024;

/** The target and headers of a CONNECT request head (without the blank line); null if malformed. */
export function parseConnectHead(head: string): { target: { host: string; port: number }; headers: Record<string, string> } | null {
  const [line, ...rest] = head.split('\r\n');
  const m = /^CONNECT (\S+) HTTP\/1\.[01]$/.exec(line ?? '');
  const target = m ? parseAuthority(m[1]) : null;
  if (!target) return null;
  const headers: Record<string, string> = {};
  for (const h of rest) {
    const i = h.indexOf(':');
    if (i <= 0) return null;
    headers[h.slice(0, i).trim().toLowerCase()] = h.slice(i + 1).trim();
  }
  return { target, headers };
}

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443, ws: 80, wss: 443 };

function authorityOf(host: string, port: number, scheme: string): string {
  const h = host.includes(':') ? `[${host}]` : host;
  return DEFAULT_PORTS[scheme] === port ? h : `${h}:${port}`;
}

const PROXY_HOP_HEADERS = new Set(['proxy-connection', 'proxy-authorization']);
/** Only names of these lengths can be hop headers: the rest are not lowercased to look them up. */
const PROXY_HOP_LENGTHS = new Set([...PROXY_HOP_HEADERS].map((h) => h.length));

function pairs(raw: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

/**
 * A request's header pairs as the endpoint would get them, read from the raw list (not
 * `req.headers`, which Node builds as a second copy on first use). Hop-by-hop headers a client
 * adds for its proxy end at the proxy, never reach the endpoint: they are not the request's
 * headers. Proxy credentials are reported on their own.
 */
function requestHeaders(raw: string[]): { headers: Array<[string, string]>; proxyCredentials: boolean } {
  const headers: Array<[string, string]> = [];
  let proxyCredentials = false;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (PROXY_HOP_LENGTHS.has(name.length)) {
      const lower = name.toLowerCase();
      if (PROXY_HOP_HEADERS.has(lower)) {
        if (lower === 'proxy-authorization') proxyCredentials = true;
        continue;
      }
    }
    headers.push([name, raw[i + 1]!]);
  }
  return { headers, proxyCredentials };
}

function pidOf(value: string | string[] | undefined): number | undefined {
  const n = Number(Array.isArray(value) ? value[0] : value);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** A Host header usable as a URL authority (a client controls it: anything else is ignored). */
function validHostHeader(host: string | undefined): string | undefined {
  return host && /^(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(?::\d{1,5})?$/.test(host) ? host : undefined;
}

export async function startProxy(opts: ProxyOptions): Promise<InterceptingProxy> {
  const bindHost = opts.host ?? '127.0.0.1';
  const respond = opts.respond ?? DEFAULT_FAKE_RESPONSE;
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const origin = opts.origin ?? ((pid) => ({ kind: 'process', ...(pid ? { pid } : {}) }) as CaptureOrigin);
  const emit = opts.emit;
  const stats = { requests: 0, tunnels: 0, refusedClients: 0 };
  const tunnels = new WeakMap<object, Tunnel>();
  const sockets = new Set<Socket>();
  const websockets = new WebSocketCapture(maxBody);
  let connectionSeq = 0;
  let requestSeq = 0;

  const finding = (rule: { id: string; severity: 'error' | 'warning' }, message: string, host: string, port: number | undefined): void => {
    emit({ type: 'connection', rule: rule.id, severity: rule.severity, message, host, ...(port !== undefined ? { port } : {}), time: new Date().toISOString() });
  };
  // A TLS connection that ended without a request, judged now: the client's state is read at
  // this moment (the tool closing the target is added by the session, see tls-hangup.ts).
  const tlsEnded = (tunnel: Tunnel, facts: Omit<TlsEndFacts, 'client'>): void => {
    emit(tlsEndEvent({ ...facts, client: clientState(tunnel.pid, tunnel.namespaceRoot) }, false));
  };

  const urlOf = (req: IncomingMessage, tunnel: Tunnel | undefined, websocket: boolean): string => {
    const target = req.url ?? '/';
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
      if (!websocket) return target;
      return target.replace(/^http(s?):/i, 'ws$1:');
    }
    const secure = tunnel?.secure ?? false;
    const scheme = websocket ? (secure ? 'wss' : 'ws') : secure ? 'https' : 'http';
    // A client that ignored the proxy named its destination only in Host (and SNI): use it.
    const hostHeader = tunnel?.transparent ? validHostHeader(req.headers.host) : undefined;
    const authority = hostHeader ?? (tunnel ? authorityOf(tunnel.host, tunnel.port, scheme) : (req.headers.host ?? 'unknown-host'));
    return `${scheme}://${authority}${target.startsWith('/') ? target : '/'}`;
  };

  const capture = (req: IncomingMessage, tunnel: Tunnel | undefined, body: Buffer, fields: { method: string; url: string; transport: Transport; time: string; connection: string }): void => {
    stats.requests++;
    const { headers, proxyCredentials } = requestHeaders(req.rawHeaders);
    if (proxyCredentials) {
      const where = URL.canParse(fields.url) ? new URL(fields.url) : null;
      finding(RULES.liveProxyCredentials, `the client sent Proxy-Authorization credentials with its request to ${where?.host ?? fields.url}; they are meant for a proxy, not the endpoint`, where?.hostname ?? bindHost, where ? Number(where.port) || undefined : undefined);
    }
    const request: CapturedRequest = {
      id: `live-${++requestSeq}`,
      time: fields.time,
      method: fields.method,
      url: fields.url,
      headers,
      body,
      transport: fields.transport,
      origin: origin(tunnel?.pid),
      connection: fields.connection,
    };
    emit({ type: 'request', request });
  };

  // Plain proxy connections (no tunnel) still get an id, kept apart from the tunnels.
  const plainConnections = new WeakMap<object, string>();
  const connectionIdOf = (socket: object, tunnel: Tunnel | undefined): string => {
    if (tunnel) return tunnel.id;
    let id = plainConnections.get(socket);
    if (id === undefined) plainConnections.set(socket, (id = `c${++connectionSeq}`));
    return id;
  };

  const handleRequest = (req: IncomingMessage, res: ServerResponse, tunnel: Tunnel | undefined): void => {
    if (tunnel) tunnel.used++;
    const time = new Date().toISOString();
    const url = urlOf(req, tunnel, false);
    const connection = connectionIdOf(req.socket, tunnel);
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    let done = false;
    const finish = (complete: boolean): void => {
      if (done) return;
      done = true;
      // One chunk (a body in one read) is already a copy of its own: no second one.
      capture(req, tunnel, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), { method: req.method ?? 'GET', url, transport: 'http', time, connection });
      if (truncated) {
        const where = URL.canParse(url) ? new URL(url) : null;
        finding(RULES.liveUnreadable, `${where?.host ?? url}: a request body over ${maxBody} bytes was cut to its first ${maxBody} bytes; the rest could not be audited`, where?.hostname ?? bindHost, where ? Number(where.port) || undefined : undefined);
      }
      if (!complete) return;
      res.writeHead(respond.status, { 'content-type': respond.contentType, 'content-length': Buffer.byteLength(respond.body) });
      res.end(req.method === 'HEAD' ? undefined : respond.body);
    };
    req.on('data', (chunk: Buffer) => {
      if (size + chunk.length > maxBody) {
        if (size < maxBody) chunks.push(chunk.subarray(0, maxBody - size));
        truncated = true;
      } else {
        chunks.push(chunk);
      }
      size += chunk.length;
    });
    req.once('end', () => finish(true));
    // A client that gave up mid-body still tried to send what arrived: keep it.
    req.once('close', () => finish(false));
  };

  const handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer, tunnel: Tunnel | undefined): void => {
    socket.on('error', () => socket.destroy());
    if (tunnel) tunnel.used++;
    const time = new Date().toISOString();
    const connection = connectionIdOf(socket, tunnel);
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      capture(req, tunnel, head, { method: req.method ?? 'GET', url: urlOf(req, tunnel, false), transport: 'http', time, connection });
      socket.end(`HTTP/1.1 ${respond.status} Dry Run\r\ncontent-type: ${respond.contentType}\r\ncontent-length: ${Buffer.byteLength(respond.body)}\r\nconnection: close\r\n\r\n${respond.body}`);
      return;
    }
    const url = urlOf(req, tunnel, true);
    websockets.handle(req, socket, head, {
      onMessage: (body, _frame, at) => capture(req, tunnel, body, { method: 'WS', url, transport: 'websocket', time: at, connection }),
      onError: (err) => finding(RULES.liveUnreadable, `a WebSocket frame to ${url} could not be read (${err.message}); it could not be audited`, tunnel?.host ?? bindHost, tunnel?.port),
      onClose: (frames) => {
        // The handshake alone still sent its URL and headers: audit it, as the HAR reader does.
        if (frames === 0) capture(req, tunnel, Buffer.alloc(0), { method: req.method ?? 'GET', url, transport: 'websocket', time, connection });
      },
    });
  };

  const handleClientError = (err: Error & { code?: string }, socket: Duplex, tunnel: Tunnel | undefined): void => {
    if (tunnel) tunnel.used++;
    if (err.code?.startsWith('HPE_') && err.code !== 'HPE_HEADER_OVERFLOW' && socket.writable) {
      const where = tunnel ? `${authorityOf(tunnel.host, tunnel.port, '')}` : 'the proxy';
      finding(RULES.liveUnreadable, `traffic to ${where} is not HTTP/1.1 (${err.code}); it could not be read or audited`, tunnel?.host ?? bindHost, tunnel?.port);
    } else if (err.code === 'HPE_HEADER_OVERFLOW') {
      finding(RULES.liveUnreadable, `a request to ${tunnel ? authorityOf(tunnel.host, tunnel.port, '') : 'the proxy'} has headers over the size limit; it could not be audited`, tunnel?.host ?? bindHost, tunnel?.port);
    }
    socket.destroy();
  };

  /** Open a tunnel on a raw socket: answer the CONNECT, then read TLS or plain HTTP inside. */
  const openTunnel = (socket: Socket, target: { host: string; port: number }, headers: Record<string, string>, rest: Buffer, relayed?: { transparent: boolean; namespaceRoot: number | undefined }): void => {
    stats.tunnels++;
    const tunnel: Tunnel = {
      id: `t${++connectionSeq}`,
      host: target.host,
      port: target.port,
      secure: false,
      pid: pidOf(headers['x-telemetry-audit-pid']),
      used: 0,
      ...(relayed?.transparent ? { transparent: true } : {}),
      ...(relayed?.namespaceRoot !== undefined ? { namespaceRoot: relayed.namespaceRoot } : {}),
    };
    socket.on('error', () => socket.destroy());
    // The preload's "silent" tunnels were opened without waiting for an answer.
    if (headers['x-telemetry-audit-tunnel'] !== 'silent') socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    const route = (first: Buffer): void => {
      socket.pause();
      socket.unshift(first);
      if (first[0] === 0x16) {
        // A TLS handshake record: terminate it with a leaf for the CONNECT host (or its SNI).
        tunnel.secure = true;
        interceptTls(socket, target, opts.ca, (end) => tlsEnded(tunnel, { ...end, phase: 'handshake' })).then(
          (tls) => {
            if (!tls) return;
            tunnels.set(tls, tunnel);
            sockets.add(tls as unknown as Socket);
            tls.once('close', () => {
              sockets.delete(tls as unknown as Socket);
              // A client that verifies after the handshake completes TLS, finds the certificate
              // untrusted and hangs up without a word: a silent refusal.
              if (tunnel.used > 0) return;
              tlsEnded(tunnel, { host: tunnel.host, port: tunnel.port, phase: 'unused', refused: false, certificateSent: true, reset: false, reason: 'closed right after the handshake without a request' });
            });
            http1.emit('connection', tls);
            tls.resume();
          },
          (err: Error) => {
            finding(RULES.liveTlsNotIntercepted, `TLS not intercepted for ${authorityOf(target.host, target.port, '')}: no certificate could be made (${err.message})`, target.host, target.port);
            socket.destroy();
          },
        );
      } else {
        tunnels.set(socket, tunnel);
        http1.emit('connection', socket);
        socket.resume();
      }
    };
    if (rest.length > 0) route(rest);
    else {
      socket.once('data', route);
      socket.resume();
    }
  };

  // One HTTP/1.1 server, never listening: it reads plain proxy requests (absolute-form) handed
  // over by the listener below, and the requests inside tunnels.
  const http1 = http.createServer();
  http1.on('request', (req, res) => handleRequest(req, res, tunnels.get(req.socket)));
  http1.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => handleUpgrade(req, socket, head, tunnels.get(socket)));
  http1.on('clientError', (err: Error, socket: Duplex) => handleClientError(err, socket, tunnels.get(socket)));
  http1.on('connect', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A CONNECT after other requests on a kept-alive connection (or nested in a tunnel).
    const target = parseAuthority(req.url);
    if (!target || tunnels.has(socket) || !(socket instanceof net.Socket)) {
      socket.end('HTTP/1.1 405 Method Not Allowed\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of pairs(req.rawHeaders)) headers[k.toLowerCase()] = v;
    openTunnel(socket, target, headers, head);
  });

  // The listener reads the first request line itself: a CONNECT is handled on the raw socket
  // (TLS over a socket the HTTP parser once consumed does not see the client hang up), and
  // anything else goes to the HTTP server with its first bytes put back.
  const outer = net.createServer((socket) => {
    if (!acceptsClient(socket.remoteAddress, opts.allowRemoteClients)) {
      stats.refusedClients++;
      emit({ type: 'status', message: `refused a client at ${socket.remoteAddress ?? 'an unknown address'}: not on loopback` });
      socket.destroy();
      return;
    }
    serveProxyClient(socket);
  });

  const serveProxyClient = (socket: Socket, namespaceRoot?: number): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffered: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      const prefix = buffered.subarray(0, CONNECT_PREFIX.length);
      if (!CONNECT_PREFIX.subarray(0, prefix.length).equals(prefix)) {
        socket.removeListener('data', onData);
        socket.pause();
        socket.unshift(buffered);
        http1.emit('connection', socket);
        socket.resume();
        return;
      }
      const end = buffered.indexOf('\r\n\r\n');
      if (end === -1) {
        if (buffered.length > MAX_CONNECT_HEAD) {
          socket.removeListener('data', onData);
          finding(RULES.liveUnreadable, `a CONNECT request to the proxy has a head over ${MAX_CONNECT_HEAD} bytes; it could not be read`, bindHost, undefined);
          socket.end('HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n\r\n');
        }
        return;
      }
      socket.removeListener('data', onData);
      socket.pause();
      const head = parseConnectHead(buffered.subarray(0, end).toString('latin1'));
      if (!head) {
        finding(RULES.liveUnreadable, 'a malformed CONNECT request reached the proxy; it could not be read', bindHost, undefined);
        socket.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n');
        return;
      }
      openTunnel(socket, head.target, head.headers, buffered.subarray(end + 4), namespaceRoot !== undefined ? { transparent: false, namespaceRoot } : undefined);
    };
    socket.on('data', onData);
  };

  // Connections out of a sealed namespace arrive as the client's own socket, with where it was
  // going (sealed/handoff.ts). Those aimed at the proxy itself (clients that honour the proxy
  // variables) are proxy clients; the rest are read where they were going, by SNI or Host.
  const serveRelayed = (socket: Socket, destination: RelayedDestination): void => {
    if (isLoopbackHost(destination.address) && destination.port === port) {
      serveProxyClient(socket, destination.namespaceRoot);
      return;
    }
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    openTunnel(socket, { host: destination.name ?? destination.address, port: destination.port }, { 'x-telemetry-audit-tunnel': 'silent' }, Buffer.alloc(0), { transparent: true, namespaceRoot: destination.namespaceRoot });
  };

  // Started beside the listener (a Python start): nothing is relayed before the proxy is ready.
  const handoffStarting = opts.transparentSocket
    ? startRelayHandoff({
        socketPath: opts.transparentSocket,
        onSocket: (socket, destination) => serveRelayed(socket, destination),
        onUnreadable: (message) => finding(RULES.liveUnreadable, message, bindHost, undefined),
      }).catch((err: Error) => err)
    : null;
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      const why = err.code === 'EADDRINUSE' ? `port ${opts.port} is already in use` : err.code === 'EADDRNOTAVAIL' ? `address ${bindHost} is not available here` : err.message;
      void handoffStarting?.then((h) => (h instanceof Error ? undefined : h.close()));
      reject(new ProxyStartError(`cannot start the proxy on ${bindHost}:${opts.port ?? 0}: ${why}`));
    };
    outer.once('error', onError);
    outer.listen(opts.port ?? 0, bindHost, () => {
      outer.removeListener('error', onError);
      resolve();
    });
  });
  const address = outer.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  let handoff: RelayHandoff | null = null;
  if (handoffStarting) {
    const started = await handoffStarting;
    if (started instanceof Error) {
      outer.close();
      throw new ProxyStartError(`cannot take connections from the sealed namespace on ${opts.transparentSocket}: ${started.message}`);
    }
    handoff = started;
  }
  // Ahead of the target's first handshake to them: a client on a short deadline of its own
  // (turbo's telemetry worker) should not wait for a signature (bench: tls-handshake).
  if (opts.warmHosts && opts.warmHosts.length > 0) void prewarmTls(opts.ca, opts.warmHosts);
  const urlHost = bindHost.includes(':') ? `[${bindHost}]` : bindHost;
  let closed: Promise<void> | null = null;

  return {
    host: bindHost,
    port,
    url: `http://${urlHost}:${port}`,
    stats,
    async drain(maxMs: number) {
      const until = Date.now() + maxMs;
      while (sockets.size > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        websockets.close();
        handoff?.close();
        outer.close(() => resolve());
        for (const s of sockets) s.destroy();
        http1.closeAllConnections();
      });
      return closed;
    },
  };
}
