/**
 * One live capture: the per-run CA, the proxy, the target under the tracer, as one CaptureFeed.
 * `run` consumes it on the command line, the TUI shows it, the opt-out runner drives one per
 * scenario. Set-up errors (CA, port, command not found) surface from create() and start()
 * before anything runs, so callers can exit 2 with nothing half-started.
 *
 *   const session = await LiveSession.create({ command, env, cwd, trace: 'auto' });
 *   session.subscribe(onEvent);
 *   await session.start();
 *   const end = await session.done;
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { StdioOptions } from 'node:child_process';
import type { CaptureFeed, DnsQuery, FeedEvent } from '../capture/capture-feed.js';
import type { CaptureOrigin } from '../capture/captured-request.js';
import { createCertificateAuthority, type CertificateAuthority } from './ca.js';
import { pageLabel } from './browser/page-driver.js';
import { conflictingFlag, interceptionFlags, isChromiumFamily, spkiHash, writeProfileSettings } from './browser/chromium.js';
import { buildChildEnv, interceptionVars, RUN_ID_ENV, writeCaBundle, type NodePreload } from './child-env.js';
import type { FakeResponse } from './fake-response.js';
import { startProxy, type InterceptingProxy } from './proxy.js';
import { startProxyThread } from './proxy-thread.js';
import { resolveCommand, RunningTarget, type StopReason, type TargetExit } from './run-target.js';
import { traceCommand, TraceFollower, traceSupport, type TraceSupport } from './trace.js';
import { SealedSetupError, SealedTarget, sealedSupport, type Containment, type SealedEvent, type SealedMode } from './sealed/sealed-target.js';
import { RULES } from '../engine/rules.js';
import type { Policy } from '../policy/policy-schema.js';
import { tlsEndEvent } from './tls-hangup.js';

export type TraceMode = 'auto' | 'on' | 'off';

export interface LiveSessionOptions {
  /** The command and its arguments; absent for a proxy-only session (`serve`). */
  command?: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  trace?: TraceMode;
  /** Count direct loopback connections (other than to the proxy) as bypasses. */
  traceLoopback?: boolean;
  timeoutMs?: number;
  host?: string;
  port?: number;
  allowRemoteClients?: boolean;
  respond?: FakeResponse;
  stdio?: StdioOptions;
  /** Label for every event and capture (the opt-out runner names its scenarios). */
  scenario?: string;
  /** Run the proxy on its own worker thread (default true). */
  proxyThread?: boolean;
  /**
   * Keep the proxy (and tracer) open this long after the target's whole tree has exited, for
   * what a straggler sends late (the opt-out runner's quiet window). stop() cuts it short.
   */
  quietWindowMs?: number;
  /** Collect the target's stdout and stderr (the last 64 KiB of each) instead of passing them on. */
  captureOutput?: boolean;
  /** Which Node preloads go into NODE_OPTIONS (default both). */
  nodePreload?: NodePreload;
  /**
   * Proxy variables the target must not get (an opt-out pack unset them: some clients crash on
   * them). Capture then rests on the Node preload, or on sealed mode.
   */
  omitEnv?: readonly string[];
  /**
   * Run the target sealed in its own network namespace (sealed/sealed-target.ts): `on` requires
   * it, `auto` uses it where it can be set up, `off` (the default here; the commands default to
   * auto) runs behind the proxy alone.
   */
  sealed?: SealedMode;
  /** Hosts to make TLS contexts for before the target starts (warmHostsOf(policy)). */
  warmHosts?: readonly string[];
}

/** The hosts a policy allows sending to: the ones a target is most likely to open TLS to first. */
export function warmHostsOf(policy: Pick<Policy, 'destinations'>): string[] {
  return [...new Set(policy.destinations.map((d) => d.host.toLowerCase()))];
}

export interface TraceState {
  active: boolean;
  /** Why tracing is off (not installed, not permitted, --no-trace). */
  reason?: string;
}

export interface SessionEnd {
  target: TargetExit | null;
  /** Outbound attempts the tracer saw (bypasses, DNS lookups); null without a tracer. */
  outbound: number | null;
  /** Direct connections to loopback services the tracer saw (not counted as bypasses). */
  directLoopback: number;
  requests: number;
  containment: Containment;
  /** DNS queries the sealed namespace answered, name and type (none outside a sealed run). */
  dnsQueries: DnsQuery[];
}

export class LiveSetupError extends Error {
  override name = 'LiveSetupError';
}

export class LiveSession implements CaptureFeed {
  readonly done: Promise<SessionEnd>;
  private readonly listeners = new Set<(e: FeedEvent) => void>();
  private target: RunningTarget | SealedTarget | null = null;
  private readonly dnsQueries: DnsQuery[] = [];
  private follower: TraceFollower | null = null;
  private resolveDone!: (end: SessionEnd) => void;
  private timeout: NodeJS.Timeout | null = null;
  private ending: Promise<void> | null = null;
  private readonly runId = randomUUID();
  private ended = false;
  private stopRequested = false;
  private closing = false;
  private cutQuietWindow: (() => void) | null = null;
  private resolveExited!: (exit: TargetExit | null) => void;
  /** Resolves when the target's whole tree is gone (before any quiet window); null: no target ran. */
  readonly exited: Promise<TargetExit | null>;
  private readonly captured = { stdout: new OutputTail(), stderr: new OutputTail() };
  /** The page a browser target has loaded: the origin of what it sends. */
  private page: string | undefined;

  private constructor(
    private readonly opts: LiveSessionOptions,
    readonly ca: CertificateAuthority,
    readonly bundlePath: string,
    readonly proxy: InterceptingProxy,
    readonly trace: TraceState,
    private readonly support: TraceSupport | null,
    private readonly commandPath: string | null,
    /** How the target is contained: `sealed`, `proxy + tracer` or `proxy only`. */
    readonly containment: Containment,
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.exited = new Promise((resolve) => (this.resolveExited = resolve));
  }

  /** Make the CA and start the proxy; resolve the command and the tracer. Nothing runs yet. */
  static async create(opts: LiveSessionOptions): Promise<LiveSession> {
    let commandPath: string | null = null;
    if (opts.command) {
      if (opts.command.length === 0) throw new LiveSetupError('no command given: put it after "--"');
      try {
        commandPath = resolveCommand(opts.command[0]!, opts.env, opts.cwd);
      } catch (err) {
        throw new LiveSetupError((err as Error).message);
      }
      const conflict = isChromiumFamily(commandPath) ? conflictingFlag(opts.command.slice(1)) : undefined;
      if (conflict) throw new LiveSetupError(`${conflict}: the browser's proxy, profile and resolver are set by telemetry-audit; leave this flag out`);
    }
    // A Chromium-family target is never sealed: its DevTools pipe (fds 3/4) cannot pass through
    // the sealed helper, which keeps fd 3 for its own control channel. It runs behind the proxy
    // (with --proxy-server, SPKI trust, QUIC off) and the tracer; asked for sealed, it is an error.
    const browserTarget = commandPath !== null && isChromiumFamily(commandPath);
    if (browserTarget && opts.sealed === 'on') throw new LiveSetupError('--sealed cannot contain a browser target (its DevTools pipe cannot pass the namespace helper); use --no-sealed');
    const sealed = opts.command && !browserTarget ? resolveSealed(opts.sealed ?? 'off', opts.env) : false;
    const { trace, support } = resolveTrace(opts.trace ?? 'auto', opts.command !== undefined, opts.env, sealed);
    const containment = containmentOf(sealed, trace);

    let ca: CertificateAuthority;
    try {
      ca = await createCertificateAuthority();
    } catch (err) {
      throw new LiveSetupError((err as Error).message);
    }
    let bundlePath: string;
    let proxy: InterceptingProxy;
    // Events can fire as soon as the proxy listens; they are routed to the session once made.
    let session: LiveSession | null = null;
    const early: FeedEvent[] = [];
    const origin = (pid: number | undefined): CaptureOrigin => session?.originFor(pid) ?? { kind: 'process', ...(pid ? { pid } : {}) };
    try {
      bundlePath = writeCaBundle(ca.certPem, ca.dir);
      proxy = await (opts.proxyThread === false ? startProxy : startProxyThread)({
        ca,
        host: opts.host,
        port: opts.port,
        allowRemoteClients: opts.allowRemoteClients,
        respond: opts.respond,
        ...(sealed ? { transparentSocket: path.join(ca.dir, 'relay.sock') } : {}),
        ...(opts.warmHosts ? { warmHosts: opts.warmHosts } : {}),
        origin,
        emit: (e) => (session ? session.emit(e) : early.push(e)),
      });
    } catch (err) {
      ca.dispose();
      throw new LiveSetupError((err as Error).message);
    }
    session = new LiveSession(opts, ca, bundlePath, proxy, trace, support, commandPath, containment);
    for (const e of early) session.emit(e);
    return session;
  }

  subscribe(listener: (event: FeedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The host a target should use for the proxy (a wildcard bind is reached over loopback). */
  get proxyHost(): string {
    const h = this.proxy.host;
    return h === '0.0.0.0' ? '127.0.0.1' : h === '::' ? '::1' : h;
  }

  /** The variables a target needs, for `serve` to print or a caller to merge itself. */
  interceptionVars(base: NodeJS.ProcessEnv = {}): Record<string, string> {
    return interceptionVars({ proxyHost: this.proxyHost, proxyPort: this.proxy.port, caCertPath: this.ca.certPath, caBundlePath: this.bundlePath, runId: this.runId, nodePreload: this.opts.nodePreload }, base);
  }

  /** The full environment the target gets. */
  childEnv(): NodeJS.ProcessEnv {
    const env = buildChildEnv(this.opts.env, { proxyHost: this.proxyHost, proxyPort: this.proxy.port, caCertPath: this.ca.certPath, caBundlePath: this.bundlePath, runId: this.runId, nodePreload: this.opts.nodePreload });
    for (const name of this.opts.omitEnv ?? []) delete env[name];
    return env;
  }

  /** Start the target (when there is one). A proxy-only session runs until stop(). */
  async start(): Promise<void> {
    if (!this.opts.command || !this.commandPath) {
      this.emit({ type: 'status', message: `proxy listening on ${this.proxy.url}`, ...this.scenarioField() });
      return;
    }
    const [, ...args] = this.opts.command;
    let file = this.commandPath;
    let argv = isChromiumFamily(this.commandPath) ? [...(await this.browserFlags()), ...args] : args;
    // `run -- chromium URL`: the page given on the command line is the origin of what it sends.
    const pageArg = isChromiumFamily(this.commandPath) ? args.find((a) => /^https?:\/\//i.test(a)) : undefined;
    if (pageArg !== undefined) this.page = pageLabel(pageArg);
    if (this.trace.active && this.support) {
      const traceFile = path.join(this.ca.dir, 'trace.txt');
      ({ file, args: argv } = traceCommand(this.support, traceFile, this.commandPath, argv));
      this.follower = new TraceFollower({
        file: traceFile,
        proxy: { host: this.proxyHost, port: this.proxy.port },
        loopbackIsBypass: this.opts.traceLoopback ?? false,
        // Sealed, a connect() the tracer sees was captured, not a bypass: attribution only.
        emit: (e) => this.emit(this.containment === 'sealed' && e.type === 'connection' ? { type: 'status', message: `tracer: ${e.message} (sealed: it was relayed to the proxy or blocked)` } : e),
        ...this.scenarioField(),
      });
      this.follower.start();
    }
    // Pipes past stdio 2 (a browser's DevTools pipe) are kept when the output is captured; only an
    // unsealed target can have them (a Chromium target is never sealed, see create()).
    const stdio: StdioOptions | undefined = this.opts.captureOutput ? ['ignore', 'pipe', 'pipe', ...(Array.isArray(this.opts.stdio) ? this.opts.stdio.slice(3) : [])] : this.opts.stdio;
    if (this.containment === 'sealed') {
      try {
        this.target = await SealedTarget.start({
          file,
          args: argv,
          argv0: this.opts.command[0]!,
          env: this.childEnv(),
          cwd: this.opts.cwd,
          stdio,
          proxyPort: this.proxy.port,
          relaySocket: path.join(this.ca.dir, 'relay.sock'),
          doorSocket: path.join(this.ca.dir, 'door.sock'),
          cleanup: [this.ca.dir],
          onEvent: (e) => this.onSealedEvent(e),
        });
      } catch (err) {
        if (!(err instanceof SealedSetupError)) throw err;
        // Checked before (sealedSupport), so rare: the run ends as one that could not start.
        void this.end({ code: null, signal: null, stoppedBy: null, spawnError: err.message });
        return;
      }
    } else {
      this.target = new RunningTarget({ file, args: argv, env: this.childEnv(), cwd: this.opts.cwd, stdio, marker: { name: RUN_ID_ENV, value: this.runId } });
    }
    if (this.opts.captureOutput) {
      this.target.output.stdout?.on('data', (d: Buffer) => this.captured.stdout.add(d));
      this.target.output.stderr?.on('data', (d: Buffer) => this.captured.stderr.add(d));
    }
    const how = [this.containment === 'sealed' ? 'sealed in its own network namespace' : '', this.trace.active ? 'under strace' : ''].filter(Boolean).join(', ');
    this.emit({ type: 'status', message: `started ${this.commandLine()} (pid ${this.target.pid ?? '?'})${how ? ` ${how}` : ''}`, ...this.scenarioField() });
    if (this.opts.timeoutMs !== undefined) {
      this.timeout = setTimeout(() => {
        this.emit({ type: 'status', message: `timed out after ${this.opts.timeoutMs! / 1000} s: stopping the target and its children`, ...this.scenarioField() });
        this.closing = true;
        void this.target?.stop('timeout');
      }, this.opts.timeoutMs);
    }
    void this.target.exited.then((exit) => this.end(exit));
  }

  /**
   * How to reach a server the target runs on 127.0.0.1:port: inside a sealed namespace through
   * its door, otherwise null (connect to loopback directly).
   */
  connectInside(port: number): import('node:net').Socket | null {
    return this.target instanceof SealedTarget ? this.target.connectInside(port) : null;
  }

  /** A Chromium-family target: the proxy and trust flags, and a fresh profile in the run's temp dir. */
  private async browserFlags(): Promise<string[]> {
    // The proxy signs every host with one leaf key: its SPKI, and the CA's, are all the browser must trust.
    const leaf = await this.ca.leafFor('localhost');
    const profileDir = mkdtempSync(path.join(this.ca.dir, 'browser-profile-'));
    writeProfileSettings(profileDir);
    const flags = interceptionFlags({
      proxyHost: this.proxyHost,
      proxyPort: this.proxy.port,
      spki: [spkiHash(leaf.certPem), spkiHash(this.ca.certPem)],
      profileDir,
      runningAsRoot: process.getuid?.() === 0,
    });
    this.emit({ type: 'status', message: 'browser target: proxy, SPKI trust of this run\'s CA, fresh profile, QUIC and background networking off', ...this.scenarioField() });
    return flags;
  }

  /** The target's extra pipes (stdio 3 and up), e.g. a browser's DevTools pipe. */
  targetPipes(): { fd3: Writable | null; fd4: Readable | null } {
    // Only an unsealed target has them: a sealed one gets stdio 0-2 (a browser target is never sealed).
    const stdio = this.target instanceof RunningTarget ? this.target.stdio : [];
    return { fd3: (stdio[3] as Writable | undefined) ?? null, fd4: (stdio[4] as Readable | undefined) ?? null };
  }

  /** The target's program name, for status lines. */
  commandName(): string {
    return path.basename(this.opts.command?.[0] ?? 'target');
  }

  /** A browser target loaded `url`: what it sends from now on has the page as its origin. */
  setPage(url: string): void {
    this.page = url;
  }

  /** What the target wrote, with `captureOutput` (the last 64 KiB of each stream). */
  output(): { stdout: string; stderr: string } {
    return { stdout: this.captured.stdout.text(), stderr: this.captured.stderr.text() };
  }

  /** Stop the target's whole tree (or the proxy alone) and end the feed, keeping every capture. */
  async stop(reason: StopReason = 'stop'): Promise<void> {
    this.stopRequested = true;
    this.closing = true;
    this.cutQuietWindow?.();
    if (this.target) await this.target.stop(reason);
    else await this.end(null);
    await this.done;
  }

  private end(exit: TargetExit | null): Promise<void> {
    this.ending ??= (async () => {
      if (this.timeout) clearTimeout(this.timeout);
      if (exit) this.emit({ type: 'status', message: describeExit(this.commandLine(), exit), ...this.scenarioField() });
      this.resolveExited(exit);
      const quiet = this.opts.quietWindowMs ?? 0;
      // A target that was stopped (timeout, interrupt, stop()) gets no quiet window: it is over.
      if (exit && quiet > 0 && exit.stoppedBy === null && !this.stopRequested) {
        this.emit({ type: 'status', message: `quiet window: watching ${quiet / 1000} s more for late senders`, ...this.scenarioField() });
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, quiet);
          this.cutQuietWindow = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.cutQuietWindow = null;
      }
      this.follower?.stop();
      // The target's tree is gone, so its connections are closing: let their last events in.
      await this.proxy.drain(this.target ? 1000 : 200);
      await this.proxy.close();
      this.ca.dispose();
      this.ended = true;
      this.emit({ type: 'end', exitCode: exit?.code ?? null, signal: exit?.signal ?? null, ...this.scenarioField() });
      this.resolveDone({ target: exit, outbound: this.follower ? this.follower.outbound : null, directLoopback: this.follower?.directLoopback ?? 0, requests: this.proxy.stats.requests, containment: this.containment, dnsQueries: [...this.dnsQueries] });
    })();
    return this.ending;
  }

  /** What the sealed namespace saw besides TCP: DNS is recorded, blocked traffic is a finding. */
  private onSealedEvent(e: SealedEvent): void {
    const time = new Date().toISOString();
    if (e.type === 'dns') {
      const query: DnsQuery = { name: e.name, type: e.qtype, ...(e.answer ? { answer: e.answer } : {}) };
      this.dnsQueries.push({ ...query, ...this.scenarioField() });
      this.emit({ type: 'status', message: `DNS query ${e.qtype} ${e.name} answered inside the namespace${e.answer ? ` (${e.answer})` : ' (no address)'}: it went nowhere`, dns: query, ...this.scenarioField() });
    } else if (e.type === 'blocked') {
      const where = e.port !== undefined ? `${e.address.includes(':') ? `[${e.address}]` : e.address}:${e.port}` : e.address;
      this.emit({ type: 'connection', rule: RULES.liveBlocked.id, severity: RULES.liveBlocked.severity, message: `${e.protocol.toUpperCase()} to ${where} was blocked inside the sealed namespace: it never left, and what it carried could not be audited`, host: e.address, ...(e.port !== undefined ? { port: e.port } : {}), time, ...this.scenarioField() });
    } else {
      this.emit({ type: 'connection', rule: RULES.liveUnreadable.id, severity: RULES.liveUnreadable.severity, message: `a connection inside the sealed namespace could not be relayed (${e.reason}); it never left, and it could not be audited`, host: 'sealed-namespace', time, ...this.scenarioField() });
    }
  }

  /**
   * The tool is about to close the target itself (a browser asked to close, stop(), a timeout):
   * from now on a TLS client that hangs up mid-handshake without an alert was cut off by us, not
   * refusing the CA. Alert-carrying refusals are still findings.
   */
  closingTarget(): void {
    this.closing = true;
  }

  private emit(event: FeedEvent): void {
    if (this.ended) return;
    // The proxy judged a TLS connection that ended without a request when it ended; the tool
    // closing the target is known here (tls-hangup.ts: the one classification).
    if (event.type === 'connection' && event.tlsEnd && this.closing) event = tlsEndEvent(event.tlsEnd, true, event.time);
    const e = this.opts.scenario !== undefined && event.type !== 'request' ? { ...event, scenario: this.opts.scenario } : event;
    for (const l of this.listeners) l(e);
  }

  private originFor(pid: number | undefined): CaptureOrigin {
    const command = this.opts.command ? this.commandLine() : undefined;
    const p = pid ?? this.target?.pid;
    return { kind: 'process', ...(command ? { command } : {}), ...(p ? { pid: p } : {}), ...(this.page ? { page: this.page } : {}), ...this.scenarioField() };
  }

  private quotedCommand: string | undefined;

  /** The command as a shell would take it; made once, as every capture's origin names it. */
  private commandLine(): string {
    return (this.quotedCommand ??= (this.opts.command ?? []).map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' '));
  }

  private scenarioField(): { scenario?: string } {
    return this.opts.scenario !== undefined ? { scenario: this.opts.scenario } : {};
  }
}

/** The last bytes of an output stream: enough to show why a target refused to start. */
class OutputTail {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly max = 64 * 1024) {}
  add(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - this.chunks[0]!.length >= this.max) this.size -= this.chunks.shift()!.length;
  }
  text(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.max)).toString('utf8');
  }
}

/** Whether this session will trace, and why not; `on` without a working tracer is an error. */
export function resolveTrace(mode: TraceMode, hasCommand: boolean, env: NodeJS.ProcessEnv, sealed = false): { trace: TraceState; support: TraceSupport | null } {
  if (!hasCommand) return { trace: { active: false, reason: 'no target to trace (the proxy runs alone)' }, support: null };
  if (mode === 'off') return { trace: { active: false, reason: 'tracing was turned off (--no-trace)' }, support: null };
  // Sealed, nothing can leave and every connection is captured: the tracer would only attribute
  // (and slow the target, changing its timing), so it runs only when asked for.
  if (sealed && mode === 'auto') return { trace: { active: false, reason: 'the run is sealed: every connection is captured, so the tracer is off (--trace adds it for attribution)' }, support: null };
  const s = traceSupport(env);
  if (s.available) return { trace: { active: true }, support: s };
  if (mode === 'on') throw new LiveSetupError(`--trace was asked for, but ${s.reason}`);
  return { trace: { active: false, reason: s.reason ?? 'tracing is not available' }, support: null };
}

/** Whether the target runs sealed: `on` without support is a set-up error (the reason says why). */
export function resolveSealed(mode: SealedMode, env: NodeJS.ProcessEnv): boolean {
  if (mode === 'off') return false;
  const support = sealedSupport(env);
  if (support.available) return true;
  if (mode === 'on') throw new LiveSetupError(`--sealed was asked for, but ${support.reason}`);
  return false;
}

export function containmentOf(sealed: boolean, trace: TraceState): Containment {
  return sealed ? 'sealed' : trace.active ? 'proxy + tracer' : 'proxy only';
}

export function describeExit(command: string, exit: TargetExit): string {
  if (exit.spawnError) return `${command} could not be started: ${exit.spawnError}`;
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  if (exit.stoppedBy === 'timeout') return `${command} outlived --timeout and was stopped (${how})`;
  if (exit.stoppedBy === 'interrupt') return `${command} was interrupted and stopped (${how})`;
  if (exit.stoppedBy === 'stop') return `${command} was stopped (${how})`;
  return `${command} ${how}`;
}
