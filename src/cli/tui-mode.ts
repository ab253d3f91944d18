/**
 * Whether a command may open the terminal UI, decided without loading it: only when stdout is
 * a terminal, CI is not set (the same test Ink applies) and there is a terminal to read keys
 * from. Otherwise every TUI entry point prints its text report instead: never a garbled screen.
 */
import { openSync } from 'node:fs';
import { tty } from '../runtime/lazy-builtins.js';
import type { CliIO } from './command.js';

export function isCi(env: NodeJS.ProcessEnv): boolean {
  const on = (name: string) => env[name] !== undefined && env[name] !== '0' && env[name] !== 'false';
  return on('CI') || on('CONTINUOUS_INTEGRATION');
}

export type TuiDecision =
  | { use: true; keys: NodeJS.ReadStream & { isTTY?: boolean }; ownsKeys: boolean }
  | { use: false; reason: string };

export function tuiDecision(io: CliIO, opts: { stdinIsData?: boolean } = {}): TuiDecision {
  if (io.stdout.isTTY !== true) return { use: false, reason: 'standard output is not a terminal' };
  if (isCi(io.env)) return { use: false, reason: 'CI is set' };
  if (io.env.TERM === 'dumb') return { use: false, reason: 'TERM is dumb' };
  if (io.stdin.isTTY === true && !opts.stdinIsData) return { use: true, keys: io.stdin as NodeJS.ReadStream, ownsKeys: false };
  // Captures piped in on stdin: keys come from the controlling terminal instead.
  try {
    const keys = new (tty().ReadStream)(openSync('/dev/tty', 'r'));
    return { use: true, keys, ownsKeys: true };
  } catch {
    return { use: false, reason: 'there is no terminal to read keys from' };
  }
}

/**
 * Import the inspector. React picks its build when first loaded: the development build checks
 * and logs on every render and makes each keypress several times slower, so a CLI that did not
 * ask for development gets production.
 */
export async function loadInspector(env: NodeJS.ProcessEnv = process.env): Promise<typeof import('../tui/run-inspector.js')> {
  env.NODE_ENV ??= 'production';
  return import('../tui/run-inspector.js');
}
