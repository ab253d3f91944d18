/** What a scenario changes, exactly: argv, environment and files, in the documented order. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Pack } from '../../src/optout/pack-schema.js';
import { PlanError, planScenario } from '../../src/optout/plan-scenario.js';

const pack: Pack = {
  name: 'tool',
  title: 'Tool',
  description: 'd',
  target: { kind: 'server', readyUrl: 'http://127.0.0.1:{{port}}/healthz' },
  timing: { quietWindowSeconds: 2 },
  common: {
    env: { set: { PORT: '{{port}}', SHARED: 'common' }, unset: ['TOOL_TELEMETRY', 'CI'] },
    args: { append: ['--verbose'] },
    files: [{ path: '.tool/config.json', json: { telemetry: true } }],
  },
  scenarios: [
    { name: 'control', control: true, expect: 'send' },
    {
      name: 'all',
      expect: 'suppress',
      env: { set: { TOOL_TELEMETRY: 'off', SHARED: 'mine', HOME_AT: '{{home}}/x' } },
      args: { insert: ['--no-telemetry', '--name={{canary}}'] },
      files: [
        { path: '.tool/config.json', json: { telemetry: false } },
        { path: 'tool.yaml', in: 'cwd', text: 'canary: {{canary}}\n', mode: '600' },
      ],
      quietWindowSeconds: 9,
    },
  ],
};
const inputs = {
  home: '/tmp/s/home',
  cwd: '/tmp/s/work',
  command: ['tool', 'serve', '{{optout}}', '--tag={{canary}}'],
  baseEnv: { PATH: '/usr/bin', CI: 'true', TOOL_TELEMETRY: 'on', HOME: '/home/real' },
  canary: 'cnry7f3a9',
  port: 41234,
};

describe('planScenario', () => {
  it('the control gets the common changes only, with HOME and XDG inside the scenario', () => {
    const plan = planScenario(pack, pack.scenarios[0]!, inputs);
    assert.deepEqual(plan.argv, ['tool', 'serve', '--tag=cnry7f3a9', '--verbose']);
    assert.equal(plan.env.HOME, '/tmp/s/home');
    assert.equal(plan.env.XDG_CONFIG_HOME, path.join('/tmp/s/home', '.config'));
    assert.equal(plan.env.PORT, '41234');
    assert.equal(plan.env.CI, undefined, 'unset by the pack');
    assert.equal(plan.env.TOOL_TELEMETRY, undefined);
    assert.equal(plan.env.PATH, '/usr/bin');
    assert.deepEqual(plan.files, [{ path: '/tmp/s/home/.tool/config.json', content: '{\n  "telemetry": true\n}\n', mode: 0o644 }]);
    assert.equal(plan.control, true);
    assert.equal(plan.quietWindowSeconds, 2);
    assert.equal(plan.observeSeconds, 15, 'default');
    assert.equal(plan.readyUrl, 'http://127.0.0.1:41234/healthz', 'the readiness URL on the scenario\'s own port');
  });

  it('a scenario inserts at {{optout}}, overrides common env and files, and fills placeholders', () => {
    const plan = planScenario(pack, pack.scenarios[1]!, inputs);
    assert.deepEqual(plan.argv, ['tool', 'serve', '--no-telemetry', '--name=cnry7f3a9', '--tag=cnry7f3a9', '--verbose']);
    assert.equal(plan.env.TOOL_TELEMETRY, 'off', 'set after the common unset');
    assert.equal(plan.env.SHARED, 'mine');
    assert.equal(plan.env.HOME_AT, '/tmp/s/home/x');
    assert.deepEqual(
      plan.files.map((f) => [f.path, f.content, f.mode]),
      [
        ['/tmp/s/home/.tool/config.json', '{\n  "telemetry": false\n}\n', 0o644],
        ['/tmp/s/work/tool.yaml', 'canary: cnry7f3a9\n', 0o600],
      ],
    );
    assert.equal(plan.quietWindowSeconds, 9);
  });

  it('appends the inserted arguments when the command has no {{optout}}, and refuses it inside an argument', () => {
    const plan = planScenario(pack, pack.scenarios[1]!, { ...inputs, command: ['tool', 'serve'] });
    assert.deepEqual(plan.argv, ['tool', 'serve', '--no-telemetry', '--name=cnry7f3a9', '--verbose']);
    assert.throws(() => planScenario(pack, pack.scenarios[1]!, { ...inputs, command: ['tool', '--x={{optout}}'] }), PlanError);
  });

  it('never writes outside the scenario directories, even from an unchecked pack', () => {
    const bad: Pack = { ...pack, common: {}, scenarios: [{ name: 'x', expect: 'send', files: [{ path: '../../etc/passwd', text: 'x' }] }] };
    assert.throws(() => planScenario(bad, bad.scenarios[0]!, inputs), /outside the scenario's directories/);
  });
});
