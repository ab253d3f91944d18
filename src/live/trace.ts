/**
 * Bypass detection: run the target under `strace -f`, which follows the whole process tree
 * (forks, detached children, threads), and read every connect() and DNS query from its output.
 * A client that ignores every proxy setting still has to connect() somewhere.
 *
 * Linux only, and only where ptrace is allowed; when it is not, the caller must say plainly
 * that bypasses could not be seen.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';
import type { FeedEvent } from '../capture/capture-feed.js';
import { isLoopbackHost } from '../engine/loopback.js';
import { RULES } from '../engine/rules.js';
import { resolveCommand } from './run-target.js';
import { StraceParser, type TraceEvent } from './strace-parse.js';

export interface TraceSupport {
  available: boolean;
  /** Why not, in words for the report (when not available). */
  reason?: string;
  /** strace accepts --seccomp-bpf (stops only on traced syscalls: much less overhead). */
  seccomp?: boolean;
  executable?: string;
}

let cached: TraceSupport | undefined;

/** Probe once per process: is strace installed, and may it ptrace here? */
export function traceSupport(env: NodeJS.ProcessEnv = process.env): TraceSupport {
  if (cached) return cached;
  if (process.platform !== 'linux') return (cached = { available: false, reason: `syscall tracing needs Linux (this is ${process.platform})` });
  let executable: string;
  try {
    // The absolute path: the target's PATH may differ from the one that found it.
    executable = resolveCommand(env.TELEMETRY_AUDIT_STRACE ?? 'strace', env.PATH ? env : process.env, process.cwd());
  } catch {
    return (cached = { available: false, reason: 'strace is not installed' });
  }
  const probe = (extra: string[]): ReturnType<typeof spawnSync> =>
    spawnSync(executable, ['-f', '-qq', ...extra, '-e', 'trace=connect', '-o', '/dev/null', '--', 'true'], { encoding: 'utf8', timeout: 10_000 });
  let r = probe(['--seccomp-bpf']);
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return (cached = { available: false, reason: 'strace is not installed' });
  if (r.status === 0) return (cached = { available: true, seccomp: true, executable });
  r = probe([]);
  if (r.status === 0) return (cached = { available: true, seccomp: false, executable });
  const stderr = String(r.stderr ?? '').trim().split('\n')[0] ?? '';
  const reason = /not permitted|EPERM|Operation not permitted/i.test(stderr) ? `ptrace is not permitted here (${stderr})` : `strace does not work here (${stderr || r.error?.message || `exit ${r.status}`})`;
  return (cached = { available: false, reason });
}

/** The strace command line that runs `command` and writes its trace to `outFile`. */
export function traceCommand(support: TraceSupport, outFile: string, command: string, args: string[]): { file: string; args: string[] } {
  return {
    file: support.executable ?? 'strace',
    args: [
      '-f',
      '-qq',
      ...(support.seccomp ? ['--seccomp-bpf'] : []),
      '-e',
      'trace=connect,sendto,sendmsg,sendmmsg',
      '-e',
      'signal=none',
      '-xx',
      '-s',
      '512',
      '-o',
      outFile,
      '--',
      command,
      ...args,
    ],
  };
}

export interface TraceFollowerOptions {
  file: string;
  /** The proxy's own address: connections there are the point, not a bypass. */
  proxy: { host: string; port: number };
  /** Count direct connections to loopback (other than the proxy) as bypasses too. */
  loopbackIsBypass: boolean;
  scenario?: string;
  emit(event: FeedEvent): void;
  pollMs?: number;
}

/** Tail the strace output file while the target runs and turn what it shows into feed events. */
export class TraceFollower {
  private readonly parser = new StraceParser();
  private readonly seen = new Set<string>();
  private fd: number | null = null;
  private offset = 0;
  private partial = '';
  private timer: NodeJS.Timeout | null = null;
  /** Outbound attempts seen (bypasses and DNS lookups), for the "nothing was sent" verdict. */
  outbound = 0;
  /** Direct connections to loopback services (not bypasses unless loopbackIsBypass). */
  directLoopback = 0;

  constructor(private readonly opts: TraceFollowerOptions) {}

  start(): void {
    this.timer = setInterval(() => this.poll(), this.opts.pollMs ?? 100);
    this.timer.unref();
  }

  /** Read what is left (strace has exited) and report DNS connects never followed by a query. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.poll();
    if (this.partial) this.handleLine(this.partial);
    this.partial = '';
    for (const e of this.parser.flush()) this.handle(e);
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private poll(): void {
    if (this.fd === null) {
      try {
        this.fd = openSync(this.opts.file, 'r');
      } catch {
        return; // strace has not created it yet
      }
    }
    const buf = Buffer.alloc(256 * 1024);
    for (;;) {
      const n = readSync(this.fd, buf, 0, buf.length, this.offset);
      if (n <= 0) break;
      this.offset += n;
      const text = this.partial + buf.subarray(0, n).toString('latin1');
      const lines = text.split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) this.handleLine(line);
    }
    for (const e of this.parser.flush(Date.now(), 1000)) this.handle(e);
  }

  private handleLine(line: string): void {
    for (const e of this.parser.line(line, Date.now())) this.handle(e);
  }

  private handle(e: TraceEvent): void {
    const time = new Date().toISOString();
    const scenario = this.opts.scenario !== undefined ? { scenario: this.opts.scenario } : {};
    if (e.type === 'dns') {
      const what = e.name ? `DNS lookup of ${e.name}` : 'DNS query (name not in the trace)';
      const key = `dns|${e.server.address}|${e.name ?? ''}`;
      if (this.seen.has(key)) return;
      this.seen.add(key);
      this.outbound++;
      this.opts.emit({
        type: 'connection',
        rule: RULES.liveDnsLookup.id,
        severity: RULES.liveDnsLookup.severity,
        message: `${what} sent to ${hostPort(e.server.address, e.server.port)} by pid ${e.pid}: a client resolving names itself is about to bypass the proxy`,
        host: e.name ?? e.server.address,
        port: e.server.port,
        time,
        ...scenario,
      });
      return;
    }
    const { address, port } = e.to;
    if (isProxyAddress(address, port, this.opts.proxy)) return;
    const key = `connect|${address}|${port}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (isLoopbackHost(address) && !this.opts.loopbackIsBypass) {
      this.directLoopback++;
      this.opts.emit({ type: 'status', message: `direct connection to ${hostPort(address, port)} by pid ${e.pid} (loopback: stays on this machine, not counted as a bypass)`, ...scenario });
      return;
    }
    this.outbound++;
    this.opts.emit({
      type: 'connection',
      rule: RULES.liveBypass.id,
      severity: RULES.liveBypass.severity,
      message: `bypassed the proxy: pid ${e.pid} connected to ${hostPort(address, port)} directly (${describeResult(e.result)}); what it sent there was not seen`,
      host: address,
      port,
      time,
      ...scenario,
    });
  }
}

function describeResult(result: string): string {
  if (result === '0') return 'connected';
  const errno = /^-1\s+(\w+)/.exec(result)?.[1];
  if (errno === 'EINPROGRESS') return 'connection under way';
  return errno ? `connect failed with ${errno}` : `connect() = ${result}`;
}

function hostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

function isProxyAddress(address: string, port: number, proxy: { host: string; port: number }): boolean {
  if (port !== proxy.port) return false;
  if (address === proxy.host) return true;
  // A proxy bound to a wildcard is reached over loopback.
  return (proxy.host === '0.0.0.0' || proxy.host === '::' || isLoopbackHost(proxy.host)) && (isLoopbackHost(address) || address === '0.0.0.0');
}
