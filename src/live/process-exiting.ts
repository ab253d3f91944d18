/**
 * Whether a client process is gone or on its way out, read from /proc without any clock: the
 * kernel marks a process PF_EXITING before it closes its sockets, so when a connection of a known
 * pid closes, this tells a client that exited (its sockets closed with it) from one that hung up
 * on purpose and lives on.
 *
 * In a sealed run the pid a client reports (the Node preload's header) is its pid inside the
 * run's own PID namespace, which means nothing in the host's /proc: it is mapped first, through
 * the `NSpid:` lines of the processes under the namespace's PID 1 (whose host pid the relay
 * names, see sealed/relay-header.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';

const PF_EXITING = 0x4;
/** Bounds the walk of a namespace's process tree (a fork bomb must not stall the proxy). */
const MAX_TREE = 4096;

/** `exiting`: gone or on its way out; `alive`: running; `unknown`: no pid to look at. */
export type ClientState = 'exiting' | 'alive' | 'unknown';

/**
 * The state of the client that reported `pid`; `namespaceRoot` is the host pid of PID 1 of the
 * PID namespace that pid belongs to (sealed runs), absent when it is a host pid.
 */
export function clientState(pid: number | undefined, namespaceRoot?: number): ClientState {
  if (pid === undefined) return 'unknown';
  const hostPid = namespaceRoot === undefined ? pid : hostPidOf(namespaceRoot, pid);
  // Not in the namespace's tree any more (or the namespace is gone): it was reaped.
  if (hostPid === null) return 'exiting';
  return processExiting(hostPid) ? 'exiting' : 'alive';
}

/** Whether the host process `pid` is gone (reaped), a zombie, or marked PF_EXITING. */
export function processExiting(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return true; // gone (reaped)
  }
  // Fields after the parenthesised command name (which may hold spaces): state is the 1st,
  // flags the 7th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const flags = Number(fields[6]);
  return state === 'Z' || state === 'X' || (Number.isFinite(flags) && (flags & PF_EXITING) !== 0);
}

/** The pids of a process as each PID namespace from /proc's own down to its innermost sees it. */
export function nsPids(hostPid: number): number[] | null {
  let status: string;
  try {
    status = readFileSync(`/proc/${hostPid}/status`, 'utf8');
  } catch {
    return null;
  }
  const line = /^NSpid:\s*(.*)$/m.exec(status);
  return line ? line[1]!.trim().split(/\s+/).map(Number) : null;
}

/**
 * The host pid of the process that is `innerPid` in the PID namespace whose PID 1 is the host
 * process `root`: a walk of root's descendants (every process of that namespace is one, orphans
 * are reparented to its PID 1), matching the second `NSpid:` entry (the namespace one level
 * below /proc's). Null when no such process exists (any more).
 */
export function hostPidOf(root: number, innerPid: number): number | null {
  const rootPids = nsPids(root);
  // root must be PID 1 of a namespace one level down; anything else (a reused pid) maps nothing.
  if (!rootPids || rootPids[1] !== 1) return null;
  if (innerPid === 1) return root;
  const queue = [root];
  for (let i = 0; i < queue.length && queue.length < MAX_TREE; i++) {
    const p = queue[i]!;
    if (i > 0 && nsPids(p)?.[1] === innerPid) return p;
    for (const child of childrenOf(p)) queue.push(child);
  }
  return null;
}

function childrenOf(pid: number): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const t of tasks) {
    try {
      for (const c of readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(' ')) if (c.trim()) out.push(Number(c));
    } catch {
      /* the thread ended */
    }
  }
  return out;
}
