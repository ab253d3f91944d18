/**
 * Start a contained target: the one API for running a command sealed (used by LiveSession for
 * `run`, `inspect` and every opt-out scenario; meant for `browse` and pack setup steps too).
 *
 *   const support = sealedSupport();            // cached probe: can this machine seal a run?
 *   const target = await SealedTarget.start({ file, args, env, cwd, stdio,
 *     proxyPort, relaySocket, cleanup: [caDir], onEvent });
 *   const exit = await target.exited;           // the whole tree is gone (daemons included)
 *
 * A target whose stdio is only 'ignore' and 'pipe' (opt-out scenarios, browsers) gets a namespace
 * from the factory (namespace-factory.ts: one warm Python process per tool process forks each
 * namespace). Any other stdio (a terminal, a log file) goes through the one-shot process chain
 * `setpriv --pdeathsig KILL -- unshare --net --pid --fork --kill-child=SIGTERM -- python3 <ns
 * helper>`: the helper is PID 1 of fresh PID and network
 * namespaces, seals the network (ns-helper-source.ts), then execs the target. Its lifetime is tied
 * to ours three ways: setpriv's parent-death signal kills unshare when we die (even by SIGKILL),
 * unshare's --kill-child then signals the helper, and the helper also treats the end of its
 * control channel as our death. When PID 1 exits the kernel kills everything left in its PID
 * namespace, and the network namespace (with its rules) goes with its last process: nothing
 * is bind-mounted, so nothing outlives the run.
 *
 * Inside, every TCP connection is accepted by the helper and its socket handed to the proxy over
 * `relaySocket` (handoff.ts: the proxy reads the client directly), DNS is answered by the helper,
 * and everything else is rejected and recorded.
 */
import { spawn, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import path from 'node:path';
import net, { type Socket } from 'node:net';
import { Duplex, PassThrough, type Readable, type Writable } from 'node:stream';
import type { StopReason, TargetExit } from '../run-target.js';
import { findTool } from './find-tool.js';
import { NamespaceFactory, type FactoryNamespace } from './namespace-factory.js';
import { NS_HELPER_SOURCE } from './ns-helper-source.js';

/** How a run was contained, as every report says it. */
export type Containment = 'sealed' | 'proxy + tracer' | 'proxy only';
/** --sealed (on), --no-sealed (off), or sealed wherever it can be set up (auto). */
export type SealedMode = 'auto' | 'on' | 'off';

export interface SealedSupport {
  available: boolean;
  /** Why a run cannot be sealed here. */
  reason?: string;
}

/** What the namespace saw besides TCP: DNS queries it answered, traffic it blocked. */
export type SealedEvent =
  | { type: 'dns'; name: string; qtype: string; answer?: string }
  | { type: 'blocked'; protocol: string; address: string; port?: number }
  | { type: 'unrelayed'; reason: string };

export interface SealedTargetSpec {
  /** Absolute path of what to execute (the command, or strace wrapping it). */
  file: string;
  args: string[];
  /** argv[0] as the command is known (default: file). */
  argv0?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdio?: StdioOptions;
  /** The proxy port the target is told about: 127.0.0.1:proxyPort inside is the proxy too. */
  proxyPort: number;
  /** The proxy's hand-off socket: each redirected connection's socket is passed there (handoff.ts). */
  relaySocket: string;
  /** A Unix socket path for connectInside() (the tool's way in to a server the target runs). */
  doorSocket?: string;
  /** Where a factory namespace's target connects its 'pipe' fds (default: stdio.sock beside relaySocket). */
  stdioSocket?: string;
  /** `chain`: a one-shot setpriv/unshare/python chain even where the factory could be used (benchmarks). */
  via?: 'factory' | 'chain';
  /** Directories to remove if the tool dies without cleaning up (the CA's). */
  cleanup?: string[];
  /** Time from SIGTERM to SIGKILL on stop(). */
  graceMs?: number;
  onEvent?(event: SealedEvent): void;
}

export class SealedSetupError extends Error {
  override name = 'SealedSetupError';
}

interface Tools {
  setpriv: string;
  unshare: string;
  python: string;
  ip: string;
  nft: string;
}

function findTools(env: NodeJS.ProcessEnv): Tools | string {
  const found: Partial<Tools> = {};
  const missing: string[] = [];
  for (const [key, name, pkg] of [
    ['setpriv', 'setpriv', 'util-linux'],
    ['unshare', 'unshare', 'util-linux'],
    ['python', 'python3', 'python3'],
    ['ip', 'ip', 'iproute2'],
    ['nft', 'nft', 'nftables'],
  ] as const) {
    const p = findTool(name, env);
    if (p) found[key] = p;
    else missing.push(`${name} (${pkg})`);
  }
  return missing.length > 0 ? `missing ${missing.join(', ')}` : (found as Tools);
}

function helperConfig(tools: Tools, extra: Record<string, unknown>): string {
  return JSON.stringify({ ip: tools.ip, nft: tools.nft, ...extra });
}

function chain(tools: Tools, config: string): { file: string; args: string[] } {
  return {
    file: tools.setpriv,
    args: ['--pdeathsig', 'KILL', '--', tools.unshare, '--net', '--pid', '--fork', '--kill-child=SIGTERM', '--', tools.python, '-I', '-S', '-c', NS_HELPER_SOURCE, config],
  };
}

let cachedSupport: SealedSupport | null = null;

/**
 * Whether a run can be sealed here: not Linux, a missing tool, no permission for namespaces
 * (no root and no user namespaces, a container that forbids them) or for nftables. Probed once
 * per process by setting up (and dropping) a real namespace.
 */
export function sealedSupport(env: NodeJS.ProcessEnv = process.env): SealedSupport {
  if (cachedSupport) return cachedSupport;
  cachedSupport = probe(env);
  return cachedSupport;
}

function probe(env: NodeJS.ProcessEnv): SealedSupport {
  if (process.platform !== 'linux') return { available: false, reason: `sealed runs need Linux network namespaces (this is ${process.platform})` };
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    return { available: false, reason: 'sealed runs need root here (network namespaces and nftables rules inside them); run as root, or use --no-sealed' };
  }
  const tools = findTools(env);
  if (typeof tools === 'string') return { available: false, reason: `sealed runs need util-linux, python3, iproute2 and nftables: ${tools}` };
  const { file, args } = chain(tools, helperConfig(tools, { probe: true, proxyPort: 9 }));
  const r = spawnSync(file, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe'], timeout: 20_000, encoding: 'utf8' });
  const out = (r.output?.[3] as string | null | undefined) ?? '';
  const messages = out
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      try {
        return JSON.parse(l) as { type: string; reason?: string; interfaces?: string[] };
      } catch {
        return { type: 'garbage' };
      }
    });
  const failed = messages.find((m) => m.type === 'failed');
  if (failed) return { available: false, reason: `the namespace could not be sealed: ${failed.reason}` };
  const ready = messages.find((m) => m.type === 'ready');
  if (!ready) {
    const why = (r.stderr ?? '').trim().split('\n').pop() || r.error?.message || `exit ${r.status}`;
    return { available: false, reason: `a network namespace could not be set up: ${why}` };
  }
  const others = (ready.interfaces ?? []).filter((i) => i !== 'lo');
  if (others.length > 0) return { available: false, reason: `the namespace has interfaces besides lo (${others.join(', ')}): it would not be sealed` };
  return { available: true };
}

type HelperMessage =
  | { type: 'ready'; interfaces: string[] }
  | { type: 'failed'; reason: string }
  | { type: 'spawn-error'; message: string }
  | { type: 'started'; pid: number }
  | { type: 'dns'; name: string; qtype: string; answer?: string }
  | { type: 'unrelayed'; reason: string }
  | { type: 'exit'; code: number | null; signal: number | null }
  | { type: 'gone'; blocked: Array<{ set: string; address: string; what: string | number }> }
  | { type: 'done' };

const SIGNAL_NAMES = new Map<number, NodeJS.Signals>(Object.entries(osConstants.signals).map(([name, n]) => [n, name as NodeJS.Signals]));

const PROTOCOL_NAMES: Record<string, string> = { '1': 'icmp', '6': 'tcp', '17': 'udp', '58': 'icmpv6', '132': 'sctp' };

/** A blocked-traffic record from the namespace's nftables sets, as an event. */
export function blockedEvent(entry: { set: string; address: string; what: string | number }): SealedEvent {
  if (entry.set === 'udp4') return { type: 'blocked', protocol: 'udp', address: entry.address, port: Number(entry.what) };
  const proto = String(entry.what);
  return { type: 'blocked', protocol: PROTOCOL_NAMES[proto] ?? proto, address: entry.address };
}

/**
 * How the tool talks to one namespace's helper: a chain it spawned itself (setpriv, unshare,
 * python), or a namespace the factory forked. Either way: lines both ways, a kill, the end.
 */
interface HelperLink {
  /** The host pid of what was spawned for this target (the chain), when there is one. */
  readonly pid: number | undefined;
  readonly stdio: Array<Readable | Writable | null>;
  send(line: string): void;
  kill(): void;
  /** Whether the namespace is already gone. */
  readonly over: boolean;
}

interface LinkEvents {
  line(line: string): void;
  /** The last process of the namespace is gone; every stdio stream has ended. */
  closed(info: { signal: NodeJS.Signals | null; error?: string }): void;
}

/** The one-shot chain: `setpriv … unshare … python3 <helper>`, stdio passed as given. */
function chainLink(tools: Tools, spec: SealedTargetSpec, base: Record<string, unknown>, events: LinkEvents): HelperLink {
  const stdio = normaliseStdio(spec.stdio);
  // The control channel goes after every fd the target is given (a browser's DevTools pipe is 3 and 4).
  const { file, args } = chain(tools, helperConfig(tools, { ...base, ctl: stdio.length }));
  const child: ChildProcess = spawn(file, args, { cwd: spec.cwd, env: spec.env, stdio: [...stdio, 'pipe'], detached: true });
  const control = child.stdio[stdio.length] as Socket;
  lineReader(control, events.line);
  control.on('error', () => {});
  let over = false;
  child.once('error', (err) => {
    over = true;
    events.closed({ signal: null, error: err.message });
  });
  // 'close', not 'exit': Node may report the exit before the control channel's last lines
  // (the target's own exit status) are read, and the run would look killed by SIGKILL.
  // Every pipe closes with PID 1: nothing outside the namespace holds the target's ends.
  child.once('close', (_code, signal) => {
    over = true;
    events.closed({ signal });
  });
  return {
    pid: child.pid,
    stdio: child.stdio.slice(0, stdio.length) as HelperLink['stdio'],
    send: (line) => {
      if (!control.destroyed && control.writable) control.write(line + '\n');
    },
    kill: () => child.kill('SIGKILL'),
    get over() {
      return over;
    },
  };
}

/** stdio the factory can give a target: each fd 'ignore' or 'pipe' (what optout and browsers use). */
function factoryStdio(stdio: StdioOptions | undefined): Array<'ignore' | 'pipe'> | null {
  if (!Array.isArray(stdio)) return stdio === 'pipe' || stdio === 'ignore' ? [stdio, stdio, stdio] : null;
  const list = stdio.map((s) => (s === null || s === undefined ? 'ignore' : s));
  return list.every((s): s is 'ignore' | 'pipe' => s === 'ignore' || s === 'pipe') ? list : null;
}

/**
 * A namespace from the factory. Its target's 'pipe' fds are connections to a Unix socket of ours
 * (in the run's 0700 directory) that first name their fd; until one arrives its stream is an
 * empty placeholder, so callers get their streams at once, as from spawn().
 */
function factoryLink(tools: Tools, spec: SealedTargetSpec, stdio: Array<'ignore' | 'pipe'>, cfg: Record<string, unknown>, events: LinkEvents): HelperLink {
  const socketPath = spec.stdioSocket ?? path.join(path.dirname(spec.relaySocket), 'stdio.sock');
  const fromTarget = stdio.map((s) => (s === 'pipe' ? new PassThrough() : null));
  const toTarget = stdio.map((s) => (s === 'pipe' ? new PassThrough() : null));
  const streams = stdio.map((s, i) => (s === 'pipe' ? Duplex.from({ readable: fromTarget[i]!, writable: toTarget[i]! }) : null));
  const pipes = stdio.filter((s) => s === 'pipe').length;
  let accepted = 0;
  let ended = 0;
  let helperGone: { signal: NodeJS.Signals | null; error?: string } | null = null;
  let allConnected = false;
  let over = false;
  const server = pipes > 0 ? net.createServer((socket) => {
    accepted++;
    readHeader(socket, (index) => {
      const from = fromTarget[index];
      const to = toTarget[index];
      if (!from || !to) return socket.destroy();
      socket.pipe(from);
      to.pipe(socket);
    });
    socket.on('error', () => {});
    socket.once('close', () => {
      ended++;
      settle();
    });
  }) : null;
  const settle = () => {
    if (over || !helperGone) return;
    // Once the helper connected every pipe (it does before starting the target), wait for all to end.
    if (allConnected ? ended < pipes : ended < accepted) return;
    over = true;
    server?.close();
    for (const s of fromTarget) s?.end();
    events.closed(helperGone);
  };
  let ns: FactoryNamespace | null = null;
  const begin = () => {
    ns = NamespaceFactory.get(tools.python).open(
      { ...cfg, stdio, ...(server ? { stdioSocket: socketPath } : {}) },
      {
        line: (line) => {
          if (line.startsWith('{"type": "started"') || line.startsWith('{"type": "spawn-error"')) allConnected = true;
          events.line(line);
        },
        closed: (reason) => {
          helperGone = { signal: reason ? 'SIGKILL' : null, ...(reason ? { error: reason } : {}) };
          // Connections the helper made before it ended may still be queued: let them in first.
          setImmediate(settle);
        },
      },
    );
  };
  if (server) {
    server.on('error', (err) => {
      helperGone = { signal: null, error: `the stdio socket could not be opened: ${err.message}` };
      settle();
    });
    server.listen(socketPath, begin);
  } else begin();
  return {
    pid: undefined,
    stdio: streams,
    send: (line) => ns?.send(line),
    kill: () => ns?.kill(),
    get over() {
      return over;
    },
  };
}

/** The first line of a stdio connection names the target's fd; the rest is the stream. */
function readHeader(socket: Socket, done: (index: number) => void): void {
  let head = Buffer.alloc(0);
  const onReadable = () => {
    let chunk: Buffer | null;
    while ((chunk = socket.read() as Buffer | null) !== null) {
      head = Buffer.concat([head, chunk]);
      const nl = head.indexOf(10);
      if (nl !== -1) {
        socket.off('readable', onReadable);
        const rest = head.subarray(nl + 1);
        if (rest.length > 0) socket.unshift(rest);
        done(Number(head.subarray(0, nl).toString()));
        return;
      }
      if (head.length > 16) return void socket.destroy();
    }
  };
  socket.on('readable', onReadable);
}

function lineReader(stream: Socket, onLine: (line: string) => void): void {
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      onLine(line);
    }
  });
}

export class SealedTarget {
  readonly exited: Promise<TargetExit>;
  /** The interfaces the namespace had when it was sealed (only `lo`). */
  interfaces: string[] = [];
  /** The target's pid inside its PID namespace. */
  innerPid: number | undefined;
  private stoppedBy: StopReason | null = null;
  private exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private spawnError: string | undefined;
  private killTimer: NodeJS.Timeout | null = null;
  private link!: HelperLink;

  private constructor(
    private readonly spec: SealedTargetSpec,
    ready: (err: Error | null) => void,
    open: (events: LinkEvents) => HelperLink,
  ) {
    let isReady = false;
    let resolveExited!: (exit: TargetExit) => void;
    this.exited = new Promise<TargetExit>((resolve) => (resolveExited = resolve));
    this.link = open({
      line: (line) => {
        let m: HelperMessage;
        try {
          m = JSON.parse(line) as HelperMessage;
        } catch {
          return;
        }
        if (m.type === 'ready') {
          isReady = true;
          this.interfaces = m.interfaces;
          const others = m.interfaces.filter((i) => i !== 'lo');
          if (others.length > 0) {
            this.link.kill();
            ready(new SealedSetupError(`the namespace has interfaces besides lo (${others.join(', ')}): refusing to start the target`));
          } else {
            this.link.send('go');
            ready(null);
          }
        } else if (m.type === 'failed') ready(new SealedSetupError(`the namespace could not be sealed: ${m.reason}`));
        else this.onMessage(m);
      },
      closed: ({ signal, error }) => {
        if (this.killTimer) clearTimeout(this.killTimer);
        if (!isReady) ready(new SealedSetupError(error ? `cannot start the sealed namespace: ${error}` : `the sealed namespace ended before it was ready (${signal ?? 'no status'})`));
        const spawnError = this.spawnError ?? (isReady ? undefined : error);
        if (spawnError !== undefined) return resolveExited({ code: null, signal: null, stoppedBy: this.stoppedBy, spawnError });
        // The helper reports the target's own status; without it (the helper was killed), the chain's.
        const exit = this.exit ?? { code: null, signal: signal ?? 'SIGKILL' };
        resolveExited({ code: exit.code, signal: exit.signal, stoppedBy: this.stoppedBy });
      },
    });
  }

  /** Seal a namespace and start the target in it; rejects (nothing left running) if it cannot. */
  static async start(spec: SealedTargetSpec): Promise<SealedTarget> {
    const tools = findTools(spec.env);
    if (typeof tools === 'string') throw new SealedSetupError(`sealed runs need util-linux, python3, iproute2 and nftables: ${tools}`);
    const base = {
      proxyPort: spec.proxyPort,
      socket: spec.relaySocket,
      file: spec.file,
      argv0: spec.argv0 ?? spec.file,
      args: spec.args,
      cwd: spec.cwd,
      cleanup: spec.cleanup ?? [],
      ...(spec.doorSocket ? { door: spec.doorSocket } : {}),
    };
    // The factory where the target's stdio allows it (each fd 'ignore' or 'pipe'); the one-shot
    // chain for stdio it cannot pass (a terminal, a log file's fd), and where asked for.
    const viaFactory = spec.via !== 'chain' ? factoryStdio(spec.stdio) : null;
    let settle!: (err: Error | null) => void;
    const ready = new Promise<void>((resolve, reject) => {
      let done = false;
      settle = (err) => {
        if (done) return;
        done = true;
        if (err) reject(err);
        else resolve();
      };
    });
    const target = new SealedTarget(spec, (err) => settle(err), (events) =>
      viaFactory
        ? factoryLink(tools, spec, viaFactory, { ip: tools.ip, nft: tools.nft, ...base, env: spec.env }, events)
        : chainLink(tools, spec, base, events),
    );
    try {
      await ready;
    } catch (err) {
      target.link.kill();
      await target.exited;
      throw err;
    }
    return target;
  }

  /** The chain's pid (setpriv/unshare) as the host sees it; none for a namespace of the factory. */
  get pid(): number | undefined {
    return this.link.pid;
  }

  /** Every stdio stream of the target that is a pipe (index 3 and up: extra pipes it was given). */
  get stdio(): Array<Readable | Writable | null> {
    return this.link.stdio;
  }

  get output(): { stdout: NodeJS.ReadableStream | null; stderr: NodeJS.ReadableStream | null } {
    return { stdout: (this.link.stdio[1] as Readable | null | undefined) ?? null, stderr: (this.link.stdio[2] as Readable | null | undefined) ?? null };
  }

  /**
   * A connection to 127.0.0.1:port inside the namespace (a server the target runs), for probes:
   * the namespace has no way in otherwise. Needs `doorSocket`.
   */
  connectInside(port: number): Socket {
    if (!this.spec.doorSocket) throw new Error('this sealed target was started without a door socket');
    const socket = net.connect(this.spec.doorSocket);
    // A namespace already gone refuses: the caller's client sees the failure (or its timeout).
    socket.on('error', () => socket.destroy());
    socket.write(`${port}\n`);
    return socket;
  }

  /** Stop every process in the namespace: SIGTERM now, SIGKILL after the grace period. */
  stop(reason: StopReason): Promise<TargetExit> {
    if (this.link.over) return this.exited;
    this.stoppedBy ??= reason;
    this.link.send('term');
    if (!this.killTimer) {
      this.killTimer = setTimeout(() => {
        this.link.send('kill');
        // A helper that does not answer is killed with its namespaces.
        setTimeout(() => this.link.kill(), 1000).unref();
      }, this.spec.graceMs ?? 2000);
      this.killTimer.unref();
    }
    return this.exited;
  }

  private onMessage(m: HelperMessage): void {
    switch (m.type) {
      case 'started':
        this.innerPid = m.pid;
        return;
      case 'spawn-error':
        this.spawnError = m.message;
        return;
      case 'exit':
        this.exit = { code: m.code, signal: m.signal === null ? null : (SIGNAL_NAMES.get(m.signal) ?? 'SIGKILL') };
        return;
      case 'dns':
        this.spec.onEvent?.({ type: 'dns', name: m.name, qtype: m.qtype, ...(m.answer ? { answer: m.answer } : {}) });
        return;
      case 'unrelayed':
        this.spec.onEvent?.({ type: 'unrelayed', reason: m.reason });
        return;
      case 'gone':
        for (const b of m.blocked) this.spec.onEvent?.(blockedEvent(b));
        return;
      default:
        return;
    }
  }
}

/** stdio as an array of at least three entries (the chain's control channel goes after them). */
function normaliseStdio(stdio: StdioOptions | undefined): Exclude<StdioOptions, string> {
  if (stdio === undefined) return ['inherit', 'inherit', 'inherit'];
  if (typeof stdio === 'string') return [stdio, stdio, stdio];
  return [stdio[0], stdio[1], stdio[2], ...stdio.slice(3)];
}
