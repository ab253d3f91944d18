/**
 * What identifies this machine and its user, collected at the edge (OS, environment, git) so the
 * scanner can look for it in every request. Values that would match clean telemetry by chance
 * (too short, common words, loopback names, system directories shared by every machine) are
 * dropped here, silently: the user did not choose them and cannot fix them.
 */
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
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
        execFile('git', args, { cwd, timeout: 3000, env: { ...env, GIT_TERMINAL_PROMPT: '0' } }, (err, stdout) => {
          const out = String(stdout ?? '').trim();
          resolve(err || out === '' ? undefined : out);
        });
      }),
  };
}

/** The git config keys that identify a user or a project. */
export const GIT_IDENTITY_KEYS = '^(user\\.email|user\\.name|remote\\..*\\.url)$';

export async function collectLocalIdentity(probe: IdentityProbe): Promise<LocalIdentity> {
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

  // One git process for all three (a process costs more at start-up than the rest of the probe).
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
    if (!usableIdentity(t.value)) continue;
    const key = `${t.kind}\0${t.value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    terms.push(t);
  }
  const checked = kinds.filter((k) => terms.some((t) => t.kind === `identity:${k}`));
  return { terms, checked, dropped: kinds.filter((k) => !checked.includes(k)) };
}

export function usableIdentity(value: string): boolean {
  if (termProblem(value) !== null) return false;
  const lower = value.toLowerCase();
  if (GENERIC.has(lower) || SYSTEM_DIRS.has(value.replace(/\/+$/, '') || '/')) return false;
  // Loopback and link-local addresses say nothing about this machine.
  if (/^(?:127\.|::1$|fe80:|169\.254\.)/i.test(value)) return false;
  return true;
}
