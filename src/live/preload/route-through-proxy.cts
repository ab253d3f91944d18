/**
 * Node preload (`--require`, via NODE_OPTIONS): Node's http, https, fetch (undici) and the `ws`
 * package ignore HTTP(S)_PROXY, so this routes their connections through the audit proxy.
 *
 * It works one level down, at net.connect and tls.connect, which every one of them ends in:
 * a TCP connection to host:port becomes a connection to the proxy that opens with a "silent"
 * CONNECT (the proxy answers nothing, so the caller's first bytes follow at once and the socket
 * can be handed back synchronously, as callers expect). TLS runs inside that tunnel with the
 * caller's own options, so the proxy's per-run CA (NODE_EXTRA_CA_CERTS) is what it checks.
 * Because NODE_OPTIONS is inherited, forked, spawned and detached Node children load it too.
 *
 * What it cannot reach (a raw `new net.Socket().connect()`, a native addon, a child started with
 * a clean environment) is left to the syscall tracer, which sees every connect().
 *
 * Dependency-free on purpose: it runs inside the audited program, before its own code.
 */
import net = require('node:net');
import tls = require('node:tls');
import http = require('node:http');
import nodeModule = require('node:module');

type Callback = (...args: unknown[]) => void;
type Options = Record<string, unknown> & { host?: string; port?: number | string; path?: string; socket?: unknown; servername?: string };

const INSTALLED = Symbol.for('telemetry-audit.preload.installed');
const g = globalThis as Record<symbol, unknown>;

function parseProxy(spec: string): { host: string; port: number } | null {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(spec.trim());
  if (!m || !m[1]) return null;
  return { host: m[1], port: Number(m[2]) };
}

function install(): void {
  const proxy = parseProxy(process.env.TELEMETRY_AUDIT_PROXY ?? '');
  if (!proxy) return;
  g[INSTALLED] = true;

  const netMod = net as unknown as Record<string, unknown>;
  const tlsMod = tls as unknown as Record<string, unknown>;
  const originalNetConnect = net.connect as unknown as (...args: unknown[]) => net.Socket;
  const originalTlsConnect = tls.connect as unknown as (...args: unknown[]) => tls.TLSSocket;
  const normalizeArgs = (netMod._normalizeArgs as ((args: unknown[]) => [Options, Callback | null]) | undefined) ?? fallbackNormalize;

  const isProxy = (host: string, port: number): boolean => port === proxy.port && (host === proxy.host || ((host === 'localhost' || host === '127.0.0.1' || host === '::1') && (proxy.host === '127.0.0.1' || proxy.host === '::1' || proxy.host === 'localhost')));

  /** host:port to tunnel to, or null when the connection is not ours to route. */
  const target = (options: Options): { host: string; port: number } | null => {
    if (options.path !== undefined && options.path !== null) return null; // Unix socket or pipe
    const port = Number(options.port ?? NaN);
    if (!Number.isInteger(port) || port <= 0 || port > 65535) return null;
    const host = String(options.host ?? (options as { hostname?: string }).hostname ?? 'localhost').replace(/^\[|\]$/g, '');
    if (isProxy(host, port)) return null;
    return { host, port };
  };

  const openTunnel = (to: { host: string; port: number }, options: Options): net.Socket => {
    const authority = to.host.includes(':') ? `[${to.host}]:${to.port}` : `${to.host}:${to.port}`;
    const socket = originalNetConnect({ host: proxy.host, port: proxy.port });
    // Queued before anything the caller writes: the proxy reads it, then the caller's bytes.
    socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\nX-Telemetry-Audit-Tunnel: silent\r\nX-Telemetry-Audit-Pid: ${process.pid}\r\n\r\n`);
    if (typeof options.timeout === 'number') socket.setTimeout(options.timeout);
    if (options.noDelay === true) socket.setNoDelay(true);
    if (options.keepAlive === true) socket.setKeepAlive(true, typeof options.keepAliveInitialDelay === 'number' ? options.keepAliveInitialDelay : 0);
    return socket;
  };

  const connect = function (this: unknown, ...args: unknown[]): net.Socket {
    const [options, cb] = normalizeArgs(args);
    const to = target(options);
    if (!to) return originalNetConnect.apply(this, args);
    const socket = openTunnel(to, options);
    if (cb) socket.once('connect', cb);
    return socket;
  };
  netMod.connect = connect;
  netMod.createConnection = connect;
  // http.Agent captured net.createConnection when node:http loaded, before this ran.
  (http.Agent.prototype as unknown as Record<string, unknown>).createConnection = connect;

  tlsMod.connect = function (this: unknown, ...args: unknown[]): tls.TLSSocket {
    const [options, cb] = normalizeTlsArgs(args);
    // A socket given by the caller is already connected (and, if made by net.connect, tunnelled).
    if (options.socket) return originalTlsConnect.apply(this, args);
    const to = target({ ...options, port: options.port ?? 443 });
    if (!to) return originalTlsConnect.apply(this, args);
    const socket = openTunnel(to, options);
    const servername = options.servername ?? (net.isIP(to.host) ? undefined : to.host);
    const tlsOptions: Options = { ...options, socket, host: to.host, port: to.port };
    if (servername !== undefined) tlsOptions.servername = servername;
    return cb ? originalTlsConnect.call(this, tlsOptions, cb) : originalTlsConnect.call(this, tlsOptions);
  };

  // ESM importers bind to the builtins' named exports (`import { connect } from 'node:net'`).
  nodeModule.syncBuiltinESMExports();
}

function fallbackNormalize(args: unknown[]): [Options, Callback | null] {
  const cb = typeof args[args.length - 1] === 'function' ? (args[args.length - 1] as Callback) : null;
  const a0 = args[0];
  if (a0 !== null && typeof a0 === 'object') return [a0 as Options, cb];
  if (typeof a0 === 'string' && !/^\d+$/.test(a0)) return [{ path: a0 }, cb];
  return [{ port: a0 as number, host: typeof args[1] === 'string' ? args[1] : undefined } as Options, cb];
}

/** tls.connect(options[, cb]) or tls.connect(port[, host][, options][, cb]). */
function normalizeTlsArgs(args: unknown[]): [Options, Callback | null] {
  const cb = typeof args[args.length - 1] === 'function' ? (args[args.length - 1] as Callback) : null;
  const rest = cb ? args.slice(0, -1) : args;
  if (rest[0] !== null && typeof rest[0] === 'object') return [{ ...(rest[0] as Options) }, cb];
  const options: Options = {};
  let i = 0;
  if (typeof rest[i] === 'number' || typeof rest[i] === 'string') options.port = rest[i++] as number;
  if (typeof rest[i] === 'string') options.host = rest[i++] as string;
  if (rest[i] !== null && typeof rest[i] === 'object') Object.assign(options, rest[i]);
  return [{ ...options, port: options.port, host: options.host }, cb];
}

/**
 * The machine view of an opt-out scenario (TELEMETRY_AUDIT_FS_VIEW, a JSON map of absolute
 * paths): a scenario that runs "as on a laptop" must not see /.dockerenv, one "as in a
 * container" must. Reads of the mapped paths through `fs` get the mapped file instead. Sealed
 * mode can bind-mount the same map; here only Node code is reached.
 */
const VIEW_INSTALLED = Symbol.for('telemetry-audit.preload.fs-view');
function installFsView(): void {
  let map: Record<string, string>;
  try {
    map = JSON.parse(process.env.TELEMETRY_AUDIT_FS_VIEW ?? '') as Record<string, string>;
  } catch {
    return;
  }
  if (map === null || typeof map !== 'object') return;
  g[VIEW_INSTALLED] = true;
  const fs = require('node:fs') as Record<string, unknown> & { promises: Record<string, unknown> };
  const redirect = (p: unknown): unknown => {
    const key = typeof p === 'string' ? p : p instanceof URL && p.protocol === 'file:' ? decodeURIComponent(p.pathname) : Buffer.isBuffer(p) ? p.toString() : null;
    return key !== null && Object.prototype.hasOwnProperty.call(map, key) ? map[key] : p;
  };
  const wrap = (obj: Record<string, unknown>, names: readonly string[]): void => {
    for (const name of names) {
      const original = obj[name];
      if (typeof original === 'function') obj[name] = redirectingFirstArg(original as (...a: unknown[]) => unknown, redirect);
    }
  };
  wrap(fs, ['existsSync', 'statSync', 'lstatSync', 'accessSync', 'readFileSync', 'openSync', 'realpathSync', 'exists', 'stat', 'lstat', 'access', 'readFile', 'open', 'realpath', 'createReadStream']);
  wrap(fs.promises, ['stat', 'lstat', 'access', 'readFile', 'open', 'realpath']);
  nodeModule.syncBuiltinESMExports();
}

/**
 * `original` with its first argument (a path) redirected, and otherwise indistinguishable from it:
 * same name and length, and the functions hung on it (`realpathSync.native`, `realpath.native`,
 * `exists[util.promisify.custom]`) kept and redirected too. Code reads those: Next.js binds
 * `fs.realpathSync.native` at load and crashed with "realpathSync is not a function" when a bare
 * wrapper dropped it. The argument count is passed through as given (some fs functions check it).
 */
function redirectingFirstArg(original: (...a: unknown[]) => unknown, redirect: (p: unknown) => unknown): (...a: unknown[]) => unknown {
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    if (args.length > 0) args[0] = redirect(args[0]);
    return Reflect.apply(original, this, args);
  };
  for (const key of Reflect.ownKeys(original)) {
    if (key === 'prototype') continue;
    const descriptor = Object.getOwnPropertyDescriptor(original, key)!;
    if (typeof descriptor.value === 'function') descriptor.value = redirectingFirstArg(descriptor.value as (...a: unknown[]) => unknown, redirect);
    Object.defineProperty(wrapped, key, descriptor);
  }
  return wrapped;
}

if (!g[VIEW_INSTALLED]) installFsView();
if (!g[INSTALLED]) install();
