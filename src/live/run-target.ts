/**
 * Start the audited command and own its whole process tree: its own process group, a marker
 * in every descendant's environment, a timeout, and a stop that reaches detached children.
 * The run is over when every process of the tree is gone, not just the first one: telemetry
 * is often sent by a child left behind so the command can return quickly.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { groupAlive, markedProcesses, signalTree } from './process-tree.js';

export class TargetNotFoundError extends Error {
  override name = 'TargetNotFoundError';
}

export type StopReason = 'timeout' | 'interrupt' | 'stop';

export interface TargetExit {
  /** Exit code of the command, or null when it died by a signal or never started. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Why we stopped it, when we did. */
  stoppedBy: StopReason | null;
  /** The command could not be started at all. */
  spawnError?: string;
}

export interface TargetSpec {
  /** What to execute (the command itself, or strace wrapping it). */
  file: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdio?: StdioOptions;
  /** Marker variable every process of the run inherits. */
  marker?: { name: string; value: string };
  /** Time from the first signal to SIGKILL. */
  graceMs?: number;
}

function executable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The absolute path `command` runs as, searched in PATH like a shell would; throws when none. */
export function resolveCommand(command: string, env: NodeJS.ProcessEnv, cwd: string): string {
  if (command === '') throw new TargetNotFoundError('the command to run is empty');
  if (command.includes('/')) {
    const abs = path.resolve(cwd, command);
    if (executable(abs)) return abs;
    throw new TargetNotFoundError(`${command}: no such executable file`);
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.resolve(cwd, dir, command);
    if (executable(candidate)) return candidate;
  }
  throw new TargetNotFoundError(`${command}: command not found (searched PATH)`);
}

export class RunningTarget {
  readonly exited: Promise<TargetExit>;
  private readonly child: ChildProcess;
  private stoppedBy: StopReason | null = null;
  private killTimer: NodeJS.Timeout | null = null;
  private done = false;

  constructor(private readonly spec: TargetSpec) {
    this.child = spawn(spec.file, spec.args, { cwd: spec.cwd, env: spec.env, stdio: spec.stdio ?? 'inherit', detached: true });
    this.exited = new Promise<TargetExit>((resolve) => {
      let first: { code: number | null; signal: NodeJS.Signals | null } | null = null;
      this.child.once('error', (err) => {
        this.done = true;
        resolve({ code: null, signal: null, stoppedBy: this.stoppedBy, spawnError: err.message });
      });
      this.child.once('exit', (code, signal) => {
        first = { code, signal };
        void this.waitForTree().then(() => {
          this.done = true;
          if (this.killTimer) clearTimeout(this.killTimer);
          resolve({ code: first!.code, signal: first!.signal, stoppedBy: this.stoppedBy });
        });
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Every stdio stream of the target (index 3 and up: extra pipes it was given). */
  get stdio(): ChildProcess['stdio'] {
    return this.child.stdio;
  }

  /** The target's output streams, when spawned with stdio "pipe". */
  get output(): { stdout: NodeJS.ReadableStream | null; stderr: NodeJS.ReadableStream | null } {
    return { stdout: this.child.stdout, stderr: this.child.stderr };
  }

  /** Stop the whole tree: SIGTERM now, SIGKILL after the grace period. Resolves when gone. */
  stop(reason: StopReason): Promise<TargetExit> {
    if (this.done) return this.exited;
    this.stoppedBy ??= reason;
    const pgid = this.child.pid;
    signalTree(pgid, this.spec.marker, 'SIGTERM');
    if (!this.killTimer) {
      this.killTimer = setTimeout(() => signalTree(pgid, this.spec.marker, 'SIGKILL'), this.spec.graceMs ?? 2000);
      this.killTimer.unref();
    }
    return this.exited;
  }

  /** After the command itself exits, wait for the rest of its tree (group and marked processes). */
  private async waitForTree(): Promise<void> {
    const pgid = this.child.pid;
    for (;;) {
      const group = pgid !== undefined && groupAlive(pgid);
      const marked = this.spec.marker ? markedProcesses(this.spec.marker.name, this.spec.marker.value) : [];
      if (!group && marked.length === 0) return;
      await new Promise((r) => setTimeout(r, 150));
    }
  }
}
