/**
 * Run a shell script in a fresh network namespace whose only interface is loopback, after
 * checking it has no route off the machine: for tests whose target may try a public address
 * (a browser's own probes). Where namespaces cannot be made (not root, no unshare), tests skip.
 */
import { spawn, spawnSync } from 'node:child_process';
import { type ChildOutput, collectChild } from './child-output.js';

export const CHECK = [
  'ip link set lo up || exit 97',
  // Only loopback routes may exist: anything else could carry a packet off the machine.
  'if { ip route show; ip -6 route show; } | grep -v " dev lo" | grep -q .; then echo "the namespace has a route off the machine" >&2; exit 97; fi',
].join('\n');

/** Why sealed runs are impossible here, or null when they work. */
export function sealedUnavailable(): string | null {
  const r = spawnSync('unshare', ['--net', 'sh', '-c', CHECK], { encoding: 'utf8' });
  if (r.error) return `unshare not available (${r.error.message})`;
  if (r.status !== 0) return `cannot make a network namespace with loopback only (${(r.stderr || '').trim() || `exit ${r.status}`})`;
  return null;
}

export function runSealed(script: string, opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<ChildOutput> {
  const child = spawn('unshare', ['--net', 'sh', '-c', `${CHECK}\n${script}`], { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
  return collectChild(child, opts.timeoutMs ?? 120_000, 'sealed run');
}
