/**
 * The preload's machine view (TELEMETRY_AUDIT_FS_VIEW) must be transparent: a program that runs
 * under it sees the same `fs` it would see without it, except for the mapped paths. A wrapper that
 * dropped `realpathSync.native` made every `next build` crash at load with
 * "(0 , _realpath.realpathSync) is not a function".
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { preloadPaths } from '../../src/live/child-env.js';
import { FS_VIEW_ENV } from '../../src/optout/machine-view.js';

const MARKER = '/telemetry-audit-test-view/.dockerenv';

describe('the preload\'s fs view is transparent', () => {
  let dir: string;
  let view: string;
  const { cjs, esm } = preloadPaths();
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ta-fsview-'));
    writeFileSync(path.join(dir, 'dockerenv'), '');
    // A marker no machine has, so the view is what makes it exist (CI runners may have /.dockerenv).
    view = JSON.stringify({ [MARKER]: path.join(dir, 'dockerenv'), '/run/.containerenv': path.join(dir, 'absent') });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const node = (file: string, env: Record<string, string>): { status: number | null; stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, ['--require', cjs, '--import', `file://${esm}`, file], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', cwd: dir });
    return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr };
  };

  it('Next.js\'s lib/realpath.js, as compiled, loads and resolves under the view (it crashed with "realpathSync is not a function")', () => {
    // next@16.4.6 dist/lib/realpath.js and its caller, verbatim in what matters: the binding is
    // taken from `fs.realpathSync.native` when the module loads and called through `(0, ...)`.
    writeFileSync(
      path.join(dir, 'realpath.js'),
      `"use strict";
Object.defineProperty(exports, "realpathSync", { enumerable: true, get: function() { return realpathSync; } });
const _fs = _interop_require_default(require("fs"));
function _interop_require_default(obj) { return obj && obj.__esModule ? obj : { default: obj }; }
const isWindows = process.platform === 'win32';
const realpathSync = isWindows ? _fs.default.realpathSync : _fs.default.realpathSync.native;
`,
    );
    writeFileSync(path.join(dir, 'caller.cjs'), `const _realpath = require('./realpath.js'); console.log((0, _realpath.realpathSync)(${JSON.stringify(dir)}) === ${JSON.stringify(dir)}, (() => { try { return (0, _realpath.realpathSync)(${JSON.stringify(MARKER)}); } catch (e) { return e.code; } })());`);
    const plain = node('caller.cjs', {});
    assert.equal(plain.status, 0, plain.stderr);
    assert.equal(plain.stdout, 'true ENOENT');
    const viewed = node('caller.cjs', { [FS_VIEW_ENV]: view });
    assert.equal(viewed.status, 0, `under the view: ${viewed.stderr}`);
    // realpathSync.native is redirected like realpathSync: the container marker resolves to the view's file.
    assert.equal(viewed.stdout, `true ${path.join(dir, 'dockerenv')}`);
  });

  it('every wrapped function keeps its name, length and the functions hung on it, for require and import alike', () => {
    const probe = `
import fs from 'node:fs';
import * as named from 'node:fs';
import fsp from 'node:fs/promises';
import util from 'node:util';
const shape = (f) => typeof f !== 'function' ? typeof f : [f.name, f.length, Reflect.ownKeys(f).filter((k) => k !== 'prototype').map(String).sort().join(','), ...Reflect.ownKeys(f).filter((k) => typeof f[k] === 'function').map((k) => [String(k), f[k].name, f[k].length].join('/'))].join(' ');
const names = ['existsSync', 'statSync', 'lstatSync', 'accessSync', 'readFileSync', 'openSync', 'realpathSync', 'exists', 'stat', 'lstat', 'access', 'readFile', 'open', 'realpath', 'createReadStream'];
const out = {};
for (const n of names) out[n] = [shape(fs[n]), shape(named[n])];
for (const n of ['stat', 'lstat', 'access', 'readFile', 'open', 'realpath']) out['promises.' + n] = shape(fsp[n]);
out.realpathNative = typeof named.realpathSync.native;
out.promisifiedExists = await util.promisify(fs.exists)(${JSON.stringify(MARKER)});
out.asyncNative = await new Promise((resolve) => fs.realpath.native(${JSON.stringify(MARKER)}, (err, p) => resolve(err ? err.code : p)));
out.statArity = (() => { try { fs.statSync(); return 'no throw'; } catch (e) { return e.code; } })();
console.log(JSON.stringify(out));
`;
    writeFileSync(path.join(dir, 'probe.mjs'), probe);
    const plain = JSON.parse(node('probe.mjs', {}).stdout) as Record<string, unknown>;
    const viewed = JSON.parse(node('probe.mjs', { [FS_VIEW_ENV]: view }).stdout) as Record<string, unknown>;
    assert.equal(plain.promisifiedExists, false, 'without the view the marker does not exist');
    assert.equal(viewed.promisifiedExists, true, 'util.promisify(fs.exists) goes through the view');
    assert.equal(viewed.asyncNative, path.join(dir, 'dockerenv'), 'fs.realpath.native goes through the view');
    assert.equal(viewed.realpathNative, 'function');
    for (const key of ['promisifiedExists', 'asyncNative']) {
      delete plain[key];
      delete viewed[key];
    }
    assert.deepEqual(viewed, plain);
  });

  it('without a view the preload leaves fs alone', () => {
    const out = execFileSync(process.execPath, ['--require', cjs, '-e', 'const fs = require("fs"); console.log(fs.realpathSync.toString().includes("redirect"))'], { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' }).trim();
    assert.equal(out, 'false');
  });
});
