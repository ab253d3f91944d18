/**
 * What identifies this machine and its user, collected at the edge (OS, environment, git) so the
 * scanner can look for it in every request. Values that would match clean telemetry by chance
 * (too short, common words, loopback names, system directories shared by every machine) are
 * dropped here, silently: the user did not choose them and cannot fix them.
 */
import os from 'node:os';
import path from 'node:path';
import { childProcess } from '../runtime/lazy-builtins.js';
import { readGitConfigDirect } from './git-config-files.js';
import type { SensitiveTerm } from './sensitive-term.js';
import { termProblem } from './term-check.js';

export interface IdentityProbe {
  hostname(): string;
  username(): string | undefined;
  homedir(): string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  networkInterfaces(): NodeJS.Dict<os.NetworkInterfaceInfo[]>;
  git(args: string[]): Promise<string | undefined>;
}

export interface LocalIdentity {
  terms: SensitiveTerm[];
  /** Identity kinds that yielded at least one usable term. */
  checked: string[];
  /** Kinds that had a value but none usable (too short, common, loopback, shared). */
  dropped: string[];
}

// Names every machine has: they identify nobody and appear in clean traffic.
const GENERIC = new Set([
  'localhost', 'localhost.localdomain', 'localdomain', 'ip6-localhost', 'ip6-loopback', 'root', 'admin', 'user', 'runner',
  'ubuntu', 'debian', 'node', 'vagrant', 'docker', 'container', 'runneradmin', 'builder', 'build', 'buildkitsandbox',
]);
const SYSTEM_DIRS = new Set(['/', '/root', '/home', '/tmp', '/var', '/usr', '/opt', '/srv', '/app', '/work', '/workspace', '/src', '/mnt', '/data', '/private/tmp', 'C:\\', 'C:\\Windows\\system32']);

export function systemProbe(cwd: string, env: NodeJS.ProcessEnv): IdentityProbe {
  return {
    hostname: () => os.hostname(),
    username: () => {
      try {
        return os.userInfo().username;
      } catch {
        return env.USER ?? env.LOGNAME ?? env.USERNAME;
      }
    },
    homedir: () => os.homedir(),
    cwd,
    env,
    networkInterfaces: () => os.networkInterfaces(),
    git: (args) =>
      new Promise((resolve) => {
        // The identity query is answered from the config files when they are plain (no process
        // to start); git itself answers whenever it could see more than they show.
        if (args.length === 3 && args[0] === 'config' && args[1] === '--get-regexp') {
          const direct = readGitConfigDirect(new RegExp(args[2]!), cwd, env)?.trim();
          if (direct !== undefined) return resolve(direct === '' ? undefined : direct);
        }
        childProcess().execFile('git', args, { cwd, timeout: 3000, env: { ...env, GIT_TERMINAL_PROMPT: '0' } }, (err, stdout) => {
          const out = String(stdout ?? '').trim();
          resolve(err || out === '' ? undefined : out);
        });
      }),
  };
}

/** The git config keys that identify a user or a project. */
export const GIT_IDENTITY_KEYS = '^(user\\.email|user\\.name|remote\\..*\\.url)$';

/**
 * Automatically collected values are searched only from 5 characters: a 4-letter directory or
 * host name ("live", "nuxt", "demo") is a word that clean telemetry carries. A user's canary
 * keeps the general minimum; it was chosen to be unique.
 */
export const MIN_IDENTITY_LENGTH = 5;

// Commands that run another program named by their first non-option argument.
const LAUNCHERS = new Set([
  'node', 'nodejs', 'npx', 'npm', 'pnpm', 'pnpx', 'yarn', 'bun', 'bunx', 'deno', 'tsx', 'ts-node', 'python', 'python3', 'uv', 'uvx',
  'pipx', 'ruby', 'bundle', 'go', 'cargo', 'java', 'dotnet', 'sh', 'bash', 'zsh', 'env', 'exec', 'run', 'dlx',
]);

/**
 * The target's own program names, from its command line: the command, and after a launcher
 * ("node cli.mjs", "npx turbo", "pnpm dlx nuxt") the program it launches. A working directory
 * named after the tool it runs ("turbo", "nuxt") is that tool's name in its User-Agent and
 * payload keys, not the user's identity.
 */
export function programNamesOf(command: readonly string[]): string[] {
  const names: string[] = [];
  for (const word of command) {
    if (word.startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) continue;
    const base = word.split(/[\\/]/).pop()!.replace(/@[^@]*$/, '').replace(/\.(?:m?[jt]s|cjs|py|exe|cmd|sh)$/i, '');
    if (base === '') continue;
    names.push(base.toLowerCase());
    if (!LAUNCHERS.has(base.toLowerCase())) break;
  }
  return names;
}

export async function collectLocalIdentity(probe: IdentityProbe, opts: { programNames?: readonly string[] } = {}): Promise<LocalIdentity> {
  const programNames = new Set((opts.programNames ?? []).map((n) => n.toLowerCase()));
  const found: SensitiveTerm[] = [];
  const add = (kind: string, value: string | undefined) => {
    if (value !== undefined && value.trim() !== '') found.push({ kind: `identity:${kind}`, value: value.trim() });
  };

  const host = probe.hostname();
  add('hostname', host);
  if (host.includes('.')) add('hostname', host.split('.')[0]);
  add('username', probe.username());
  for (const v of ['USER', 'LOGNAME', 'USERNAME']) add('username', probe.env[v]);
  const home = probe.homedir();
  add('home-dir', home);
  add('cwd', probe.cwd);
  add('cwd-name', path.basename(probe.cwd));

  for (const list of Object.values(probe.networkInterfaces())) {
    for (const iface of list ?? []) {
      if (iface.internal) continue;
      if (iface.mac && iface.mac !== '00:00:00:00:00:00') {
        const mac = iface.mac.toLowerCase();
        add('mac', mac);
        add('mac', mac.replace(/:/g, '-'));
        add('mac', mac.replace(/:/g, ''));
      }
      add('ip', iface.address.replace(/%.*$/, ''));
    }
  }

  // One query for all three: read from the config files, or one git process when only git can
  // answer (a process costs more at start-up than the rest of the probe).
  const config = await probe.git(['config', '--get-regexp', GIT_IDENTITY_KEYS]);
  const lines = (config ?? '').split('\n').map((l) => {
    const space = l.indexOf(' ');
    return space === -1 ? { key: l, value: '' } : { key: l.slice(0, space), value: l.slice(space + 1) };
  });
  // As `git config --get` would: the last value of a key wins.
  const last = (key: string) => lines.filter((l) => l.key === key).pop()?.value;
  add('git-email', last('user.email'));
  add('git-name', last('user.name'));
  const remotes = lines.filter((l) => /^remote\..*\.url$/.test(l.key)).map((l) => `${l.key} ${l.value}`).join('\n');
  for (const line of remotes.split('\n')) {
    const url = line.split(/\s+/)[1];
    if (!url) continue;
    add('git-remote', url);
    // Tools hash the remote in whatever form they read it; the host/path core is shared by all.
    const core = url.replace(/^[a-z+]+:\/\//i, '').replace(/^[^@/]+@/, '').replace(/:(?!\d)/, '/').replace(/\.git$/, '');
    add('git-remote', core);
  }

  const kinds = [...new Set(found.map((t) => t.kind.slice('identity:'.length)))];
  const terms: SensitiveTerm[] = [];
  const seen = new Set<string>();
  for (const t of found) {
    if (!usableIdentity(t.value) || programNames.has(t.value.toLowerCase())) continue;
    const key = `${t.kind}\0${t.value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    terms.push(t);
  }
  const checked = kinds.filter((k) => terms.some((t) => t.kind === `identity:${k}`));
  return { terms, checked, dropped: kinds.filter((k) => !checked.includes(k)) };
}

export function usableIdentity(value: string): boolean {
  if (termProblem(value) !== null || [...value.trim()].length < MIN_IDENTITY_LENGTH) return false;
  const lower = value.toLowerCase();
  if (GENERIC.has(lower) || SYSTEM_DIRS.has(value.replace(/\/+$/, '') || '/')) return false;
  // Loopback and link-local addresses say nothing about this machine.
  if (/^(?:127\.|::1$|fe80:|169\.254\.)/i.test(value)) return false;
  return true;
}
