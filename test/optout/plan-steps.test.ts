/** Setup steps, machine views, CI, expected exit codes, unset proxy variables, project copies, relative paths: what a plan says. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { preloadPaths } from '../../src/live/child-env.js';
import { FS_VIEW_ENV, MACHINE_ENV } from '../../src/optout/machine-view.js';
import type { Pack } from '../../src/optout/pack-schema.js';
import { planScenario } from '../../src/optout/plan-scenario.js';
import { copyProject } from '../../src/optout/project-copy.js';
import { absoluteCommand } from '../../src/optout/run-pack.js';

const pack: Pack = {
  name: 'tool',
  title: 'Tool',
  description: 'd',
  target: { kind: 'cli', exitCode: [0, 3] },
  common: { env: { unset: ['HTTPS_PROXY'] }, environment: { machine: 'laptop', ci: false }, steps: [{ run: ['tool', 'login'] }] },
  scenarios: [
    { name: 'control', control: true, expect: 'send' },
    {
      name: 'disable',
      expect: 'suppress',
      environment: { machine: 'container' },
      steps: [{ name: 'disable', run: ['tool', 'telemetry', 'disable', '{{cwd}}'], judged: false, exitCode: 1, env: { set: { STEP_ONLY: '1' }, unset: ['http_proxy'] } }],
      exitCode: 1,
    },
    { name: 'ci', expect: 'send', environment: { ci: true } },
  ],
};
const inputs = {
  home: '/tmp/s/home',
  cwd: '/tmp/s/work',
  command: ['tool', 'build'],
  baseEnv: { PATH: '/usr/bin', CI: 'true', GITHUB_ACTIONS: 'true', HTTPS_PROXY: 'http://corp:3128' },
  canary: 'cnry1',
  port: 4000,
  binDirs: ['/tmp/s/work/node_modules/.bin'],
};

describe('planScenario: steps, machine, CI, exit codes, unset proxy variables', () => {
  it('common steps run first, then the scenario\'s, each with its own environment and exit codes', () => {
    const control = planScenario(pack, pack.scenarios[0]!, inputs);
    assert.deepEqual(control.steps.map((s) => [s.name, s.argv, s.judged, s.exitCodes]), [['setup-1', ['tool', 'login'], true, [0]]]);
    assert.deepEqual([control.exitCodes, control.exitCodesGiven], [[0, 3], true]);
    const p = planScenario(pack, pack.scenarios[1]!, inputs);
    assert.deepEqual(p.steps.map((s) => s.name), ['setup-1', 'disable']);
    const disable = p.steps[1]!;
    assert.deepEqual([disable.argv, disable.judged, disable.exitCodes], [['tool', 'telemetry', 'disable', '/tmp/s/work'], false, [1]]);
    assert.equal(disable.env.STEP_ONLY, '1');
    assert.equal(p.env.STEP_ONLY, undefined, 'a step\'s env is its own');
    assert.deepEqual(disable.omitEnv, ['HTTPS_PROXY', 'http_proxy']);
    assert.deepEqual(p.omitEnv, ['HTTPS_PROXY'], 'unset proxy variables are honoured: the target will not get them');
    assert.deepEqual(p.exitCodes, [1]);
  });

  it('laptop or container: the preload gets a view of the markers; CI false removes every CI variable, true sets CI', () => {
    const laptop = planScenario(pack, pack.scenarios[0]!, inputs);
    assert.equal(laptop.env[MACHINE_ENV], 'laptop');
    const view = JSON.parse(laptop.env[FS_VIEW_ENV]!) as Record<string, string>;
    assert.ok(view['/.dockerenv'] && !laptop.files.some((f) => f.path === view['/.dockerenv']), 'on a laptop /.dockerenv leads nowhere');
    assert.equal(laptop.env.CI, undefined);
    assert.equal(laptop.env.GITHUB_ACTIONS, undefined);
    const container = planScenario(pack, pack.scenarios[1]!, inputs);
    const cview = JSON.parse(container.env[FS_VIEW_ENV]!) as Record<string, string>;
    assert.ok(container.files.some((f) => f.path === cview['/.dockerenv']), 'in a container it exists');
    assert.match(container.files.find((f) => f.path === cview['/proc/self/cgroup'])!.content, /docker/);
    assert.equal(planScenario(pack, pack.scenarios[2]!, inputs).env.CI, 'true');
    assert.equal(laptop.env.PATH, '/tmp/s/work/node_modules/.bin:/usr/bin', 'the project\'s binaries come first');
  });

  it('the Node preload shows or hides the markers through fs, for require and import alike', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ta-view-'));
    try {
      const plan = planScenario(pack, pack.scenarios[1]!, { ...inputs, home: path.join(dir, 'home'), cwd: path.join(dir, 'work') });
      for (const f of plan.files) {
        mkdirSync(path.dirname(f.path), { recursive: true });
        writeFileSync(f.path, f.content);
      }
      const { cjs, esm } = preloadPaths();
      const script = "import fs from 'node:fs'; import { existsSync } from 'node:fs'; import fsp from 'node:fs/promises'; console.log(JSON.stringify([existsSync('/.dockerenv'), fs.existsSync('/run/.containerenv'), (await fsp.readFile('/proc/self/cgroup', 'utf8')).includes('docker')]))";
      const run = (env: Record<string, string>) => execFileSync(process.execPath, ['--require', cjs, '--import', `file://${esm}`, '--input-type=module', '-e', script], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' }).trim();
      assert.equal(run({ [FS_VIEW_ENV]: plan.env[FS_VIEW_ENV]! }), '[true,true,true]');
      const laptop = planScenario(pack, pack.scenarios[0]!, { ...inputs, home: path.join(dir, 'home'), cwd: path.join(dir, 'work') });
      for (const f of laptop.files) writeFileSync(f.path, f.content);
      assert.equal(run({ [FS_VIEW_ENV]: laptop.env[FS_VIEW_ENV]! }), '[false,false,false]');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('project copies and relative paths', () => {
  it('copies the template without node_modules and the excluded names, links node_modules, and never writes through a hard link', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ta-project-'));
    try {
      const tpl = path.join(dir, 'tpl');
      mkdirSync(path.join(tpl, 'node_modules', '.bin'), { recursive: true });
      mkdirSync(path.join(tpl, '.next'), { recursive: true });
      mkdirSync(path.join(tpl, 'src'), { recursive: true });
      writeFileSync(path.join(tpl, 'src', 'a.js'), 'a');
      writeFileSync(path.join(tpl, 'cfg.json'), '{}');
      writeFileSync(path.join(tpl, '.next', 'cache'), 'x');
      const work = path.join(dir, 'work');
      const bins = copyProject(tpl, work, { exclude: ['.next'], link: 'hardlink' });
      assert.deepEqual(bins, [path.join(work, 'node_modules', '.bin')]);
      assert.equal(readFileSync(path.join(work, 'src', 'a.js'), 'utf8'), 'a');
      assert.ok(!existsSync(path.join(work, '.next')));
      assert.ok(lstatSync(path.join(work, 'node_modules')).isSymbolicLink());
      assert.equal(realpathSync(path.join(work, 'node_modules')), realpathSync(path.join(tpl, 'node_modules')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a bare script name that is a file in the user\'s directory is made absolute; words, options and the command are not', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ta-abs-'));
    try {
      writeFileSync(path.join(dir, 'trigger.mjs'), '');
      mkdirSync(path.join(dir, 'build'));
      writeFileSync(path.join(dir, 'node'), '');
      assert.deepEqual(absoluteCommand(['node', 'trigger.mjs', 'build', '--flag', 'missing.mjs'], dir), ['node', path.join(dir, 'trigger.mjs'), 'build', '--flag', 'missing.mjs']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
