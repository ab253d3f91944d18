/**
 * Whether a process is gone or on its way out, read from /proc without any clock: the kernel
 * marks a process PF_EXITING before it closes its sockets, so when a connection of a known
 * pid closes, this tells a client that exited (its sockets closed with it) from one that
 * hung up on purpose.
 */
import { readFileSync } from 'node:fs';

const PF_EXITING = 0x4;

export function processExiting(pid: number | undefined): boolean {
  if (pid === undefined) return false;
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
