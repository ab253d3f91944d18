/**
 * The package as users get it, offline: a fresh clone is packed (`npm pack` runs the prepare
 * build), the tarball is installed globally into a temporary prefix, and its bin audits a
 * project that has only a config file, a policy and captures. Then `npm install` from a git
 * URL of the repository gives a working bin. Dependencies come from a loopback registry that
 * serves the lockfile's own tarballs (from the npm cache `npm ci` filled); nothing else is
 * reached. Slow by nature (a TypeScript build and two installs): one test file, run in order.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { lockPackages, startLocalRegistry, type LocalRegistry } from '../helpers/local-registry.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { skyforgeProject } from '../helpers/skyforge-project.js';

function gitUsable(): string | null {
  try {
    execFileSync('git', ['-C', REPO_ROOT, 'rev-parse', 'HEAD'], { stdio: 'ignore' });
    return null;
  } catch {
    return 'the repository is not a git checkout (or git is missing)';
  }
}

const lock = lockPackages();
const skip = gitUsable() ?? ('missing' in lock ? lock.missing : null);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: opts.cwd, env: opts.env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Total size of the files under `dir`. */
function treeBytes(dir: string): { bytes: number; files: string[] } {
  let bytes = 0;
  const files: string[] = [];
  (function walk(d: string) {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else {
        bytes += st.size;
        files.push(path.relative(dir, p));
      }
    }
  })(dir);
  return { bytes, files };
}

describe('the package, installed as users install it', { skip: skip ?? false }, () => {
  let registry: LocalRegistry;
  let tmp: string;
  /** npm with nothing of the user's: a temporary HOME, cache and config, the loopback registry. */
  let npmEnv: NodeJS.ProcessEnv;

  before(async () => {
    if ('missing' in lock) return;
    registry = await startLocalRegistry(lock.packages);
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ta-package-'));
    mkdirSync(path.join(tmp, 'home'));
    npmEnv = {
      PATH: process.env.PATH ?? '',
      HOME: path.join(tmp, 'home'),
      TMPDIR: tmp,
      NO_COLOR: '1',
      npm_config_registry: registry.url,
      npm_config_cache: path.join(tmp, 'cache'),
      npm_config_userconfig: path.join(tmp, 'npmrc'),
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
      npm_config_progress: 'false',
    };
  });
  after(async () => {
    await registry?.close();
  });

  it('npm pack of a fresh clone, installed with npm install -g: the bin audits with the config policy, exit 1 on a leak', async () => {
    const clone = path.join(tmp, 'clone');
    execFileSync('git', ['clone', '-q', '--no-hardlinks', REPO_ROOT, clone], { env: npmEnv });
    // The clone's dependencies are the ones `npm ci` installed here (the build needs TypeScript).
    symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
    const pack = await run('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: clone, env: npmEnv });
    assert.equal(pack.code, 0, pack.stderr);
    const [info] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as Array<{ filename: string; unpackedSize: number; files: Array<{ path: string }> }>;
    const packed = info!.files.map((f) => f.path);
    assert.ok(packed.includes('dist/pkg/cli/main.js'), 'the bin (bundled) is in the tarball');
    assert.ok(packed.includes('dist/pkg/cli/parallel/audit-worker.js') && packed.includes('dist/pkg/live/proxy-thread-worker.js'), 'the worker entries are in the tarball');
    assert.ok(packed.includes('dist/pkg/live/preload/route-through-proxy.cjs'), 'the CommonJS preload is in the tarball');
    assert.deepEqual(packed.filter((p) => /\.map$|^dist\/(test|bench|src)\/|^test\/|^bench\/|^src\//.test(p)), [], 'no tests, benches, sources, unbundled tree or maps');
    // ~1.1 MB of the tool and ~0.9 MB of Ink and React, bundled into the inspector's chunk.
    assert.ok(info!.unpackedSize <= 2.5 * 1024 * 1024, `unpacked ${info!.unpackedSize} bytes`);

    const prefix = path.join(tmp, 'prefix');
    const install = await run('npm', ['install', '-g', '--prefix', prefix, path.join(tmp, info!.filename)], { cwd: tmp, env: npmEnv });
    assert.equal(install.code, 0, install.stderr);
    const bin = path.join(prefix, 'bin', 'telemetry-audit');
    assert.ok(existsSync(bin), install.stdout + install.stderr);
    const installed = treeBytes(path.join(prefix, 'lib', 'node_modules', 'telemetry-audit'));
    assert.ok(!installed.files.some((f) => f.startsWith('node_modules/undici')), 'undici is not installed');

    // A project with only a config file, its policy and captures: no flags at all.
    const project = skyforgeProject({ name: 'telemetry-audit.config.yaml', text: 'policy: skyforge.policy.yaml\ninputs: [captures/]\noutputs: [report.sarif, "-"]\n' });
    const env = { PATH: `${path.join(prefix, 'bin')}:${process.env.PATH ?? ''}`, HOME: path.join(tmp, 'home'), NO_COLOR: '1' };
    const audit = await run('telemetry-audit', ['audit'], { cwd: path.join(project, 'sub'), env });
    assert.equal(audit.code, 1, audit.stdout + audit.stderr);
    assert.match(audit.stdout, /Skyforge CLI telemetry policy/);
    assert.match(audit.stdout, /skyforge\/command-args/);
    assert.ok(existsSync(path.join(project, 'report.sarif')), 'the config output, relative to the config file');
    const clean = await run('telemetry-audit', ['audit', '../captures/events.ndjson', '-q'], { cwd: path.join(project, 'sub'), env });
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    // The live layer loads too (its CA needs runtime dependencies of its own): a command that
    // sends nothing, behind the proxy alone (not sealed, no tracer), is inconclusive (3), not a crash.
    const live = await run('telemetry-audit', ['run', '--no-sealed', '--no-trace', '-q', '--no-local-identity', '--', process.execPath, '-e', '0'], { cwd: project, env });
    assert.equal(live.code, 3, live.stdout + live.stderr);
  });

  it('npm install from a git URL of the repository gives a working bin', async () => {
    const project = path.join(tmp, 'from-git');
    mkdirSync(project);
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'uses-telemetry-audit', version: '1.0.0', private: true }));
    const install = await run('npm', ['install', `git+file://${REPO_ROOT}`], { cwd: project, env: npmEnv });
    assert.equal(install.code, 0, install.stderr);
    const bin = path.join(project, 'node_modules', '.bin', 'telemetry-audit');
    const env = { PATH: process.env.PATH ?? '', HOME: path.join(tmp, 'home'), NO_COLOR: '1' };
    const version = await run(bin, ['--version'], { cwd: project, env });
    assert.equal(version.code, 0, version.stderr);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
    const leak = await run(bin, ['audit', path.join(REPO_ROOT, 'fixtures/hasura/leaky/cli-command-flags.ndjson'), '-q', '--no-local-identity'], { cwd: project, env });
    assert.equal(leak.code, 1, leak.stdout + leak.stderr);
  });
});
