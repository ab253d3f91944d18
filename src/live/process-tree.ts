/**
 * Finding and stopping every process of a run, including children that left the process
 * group (setsid, detached spawns) and were re-parented away from the target. Each process of
 * a run inherits a marker variable; on Linux /proc shows every process's initial environment,
 * so the marker finds them wherever they went. Elsewhere only the process group is reachable.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Pids of live processes whose environment carries `NAME=value` (Linux; [] elsewhere). */
export function markedProcesses(name: string, value: string): number[] {
  if (process.platform !== 'linux') return [];
  const needle = Buffer.from(`\0${name}=${value}\0`);
  const pids: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      // A leading NUL lets the first variable match like the others.
      const env = Buffer.concat([Buffer.from([0]), readFileSync(`/proc/${pid}/environ`)]);
      if (env.includes(needle)) pids.push(pid);
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Signal the process group led by `pgid` and every marked process. */
export function signalTree(pgid: number | undefined, marker: { name: string; value: string } | undefined, sig: NodeJS.Signals): number {
  let n = 0;
  if (pgid !== undefined) {
    signal(-pgid, sig);
    n++;
  }
  if (marker) {
    for (const pid of markedProcesses(marker.name, marker.value)) {
      signal(pid, sig);
      n++;
    }
  }
  return n;
}

/** State and process group of a Linux process, from /proc/<pid>/stat; null when gone. */
function procStat(pid: number): { state: string; pgrp: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name (field 2) may hold spaces and parentheses: read after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '?', pgrp: Number(fields[2]) };
  } catch {
    return null;
  }
}

/**
 * True while a process group has a member that is not a zombie. A zombie is dead; it lingers
 * only when its new parent (here, sometimes PID 1) never reaps it.
 */
export function groupAlive(pgid: number): boolean {
  if (process.platform !== 'linux') return alive(-pgid);
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return alive(-pgid);
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const s = procStat(Number(entry));
    if (s && s.pgrp === pgid && s.state !== 'Z' && s.state !== 'X') return true;
  }
  return false;
}

/** True when a process (or group, for a negative pid) still exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
