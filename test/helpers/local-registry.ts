/**
 * A loopback npm registry for the packaging tests: it serves exactly the packages of
 * package-lock.json, each the very tarball the lock names (looked up by its integrity in the
 * npm cache that `npm ci` filled), with a packument made from the lock entry. npm then
 * installs the tool's dependencies as it would from the public registry, without leaving the
 * machine. When a tarball is not in the cache the helper says which, and the test skips.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { REPO_ROOT } from './paths.js';

interface LockEntry {
  name?: string;
  version: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, unknown>;
  bin?: Record<string, string> | string;
  engines?: Record<string, string>;
  os?: string[];
  cpu?: string[];
  link?: boolean;
  optional?: boolean;
  dev?: boolean;
}

/** npm's os/cpu rule: a list of allowed values, or of `!`-negated ones. */
function allows(list: string[] | undefined, value: string): boolean {
  if (!list || list.length === 0) return true;
  if (list.includes(`!${value}`)) return false;
  return list.includes(value) || list.every((v) => v.startsWith('!'));
}

/** An optional package built for another platform (esbuild's binaries): npm never fetches it here. */
function otherPlatform(entry: LockEntry): boolean {
  return entry.optional === true && !(allows(entry.os, process.platform) && allows(entry.cpu, process.arch));
}

interface Served {
  name: string;
  version: string;
  entry: LockEntry;
  file: string;
  /** Installed at the top of node_modules: the version `latest` names. */
  top: boolean;
}

export interface LocalRegistry {
  url: string;
  close(): Promise<void>;
}

/** The npm cache directory npm itself uses (read only: its content files are addressed by hash). */
function npmCacheDir(): string {
  return execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8', env: { ...process.env, npm_config_cache: undefined } }).trim();
}

/** cacache's content path for an SRI integrity string. */
function contentPath(cache: string, integrity: string): string {
  const [algo, b64] = integrity.split(' ')[0]!.split('-') as [string, string];
  const hex = Buffer.from(b64, 'base64').toString('hex');
  return path.join(cache, '_cacache', 'content-v2', algo, hex.slice(0, 2), hex.slice(2, 4), hex.slice(4));
}

function nameOf(key: string, entry: LockEntry): string {
  return entry.name ?? key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
}

/** Every package the lock names, with its cached tarball; or why it cannot be served. */
export function lockPackages(): { packages: Served[] } | { missing: string } {
  const lock = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  let cache: string;
  try {
    cache = npmCacheDir();
  } catch (err) {
    return { missing: `npm config get cache failed: ${(err as Error).message}` };
  }
  const packages: Served[] = [];
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (key === '' || entry.link || !key.includes('node_modules/')) continue;
    if (!entry.integrity) return { missing: `${key} has no integrity in package-lock.json` };
    const file = contentPath(cache, entry.integrity);
    if (!existsSync(file) && otherPlatform(entry)) continue;
    if (!existsSync(file)) return { missing: `${nameOf(key, entry)}@${entry.version} is not in the npm cache (${cache}): run npm ci first` };
    packages.push({ name: nameOf(key, entry), version: entry.version, entry, file, top: key === `node_modules/${nameOf(key, entry)}` });
  }
  return { packages };
}

export async function startLocalRegistry(packages: Served[]): Promise<LocalRegistry> {
  const byName = new Map<string, Served[]>();
  for (const p of packages) {
    const list = byName.get(p.name) ?? [];
    if (!list.some((q) => q.version === p.version)) list.push(p);
    byName.set(p.name, list);
  }
  let base = '';
  const server: Server = createServer((req, res) => {
    const url = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    const tarball = /^\/-\/tarball\/(.+)\/(\d[^/]*)\.tgz$/.exec(url);
    if (tarball) {
      const found = byName.get(tarball[1]!)?.find((p) => p.version === tarball[2]);
      if (!found) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return void res.end(readFileSync(found.file));
    }
    const list = byName.get(url.slice(1));
    if (!list) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    const versions: Record<string, unknown> = {};
    for (const p of list) {
      const { name: _n, integrity, link: _l, ...meta } = p.entry;
      versions[p.version] = { ...meta, name: p.name, version: p.version, dist: { integrity, tarball: `${base}/-/tarball/${p.name}/${p.version}.tgz` } };
    }
    const latest = (list.find((p) => p.top) ?? list[0]!).version;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ name: url.slice(1), 'dist-tags': { latest }, versions }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('no port');
  base = `http://127.0.0.1:${addr.port}`;
  return {
    url: `${base}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
