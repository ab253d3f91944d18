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

/** True when a process (or group, for a negative pid) still exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
