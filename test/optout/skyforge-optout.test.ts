/**
 * The Skyforge pack run end to end by `optout` against the Skyforge fixture, as its README says
 * a user would: the honest program passes, and each variant that breaks a promise fails the
 * scenario that tests that promise (the leaky-args one through the canary in its arguments).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OptoutMatrix } from '../../src/optout/matrix.js';
import { runCli } from '../helpers/run-cli.js';

const COMMAND = ['--pack', 'fixtures/generic-tool/skyforge.optout.yaml', '--window', '1', '--', 'node', 'fixtures/generic-tool/skyforge.mjs', 'build', '{{optout}}'];

interface Report {
  optout: OptoutMatrix;
  requests: Array<{ origin: { scenario?: string }; findings: Array<{ rule: string }> }>;
}

async function run(variant?: string): Promise<{ code: number | null; report: Report }> {
  const r = await runCli(['optout', '--format', 'json', '--no-local-identity', ...COMMAND], { env: variant ? { SKYFORGE_EMITTER_VARIANT: variant } : {}, timeoutMs: 120_000 });
  try {
    return { code: r.code, report: JSON.parse(r.stdout) as Report };
  } catch {
    throw new Error(`not a JSON report (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}
const failing = (r: Report) => r.optout.scenarios.filter((s) => s.status === 'fail').map((s) => s.name).sort();
/** What each row that is not a plain pass says: the message of a failed row assertion. */
const notes = (r: Report) => JSON.stringify(r.optout.scenarios.filter((s) => s.status !== 'pass').map((s) => [s.name, s.status, s.outcome, s.note]));

describe('optout --pack skyforge.optout.yaml -- node skyforge.mjs build {{optout}}', () => {
  it('passes against the honest fixture, audited with the pack\'s own policy', async () => {
    const { code, report } = await run();
    assert.equal(code, 0, JSON.stringify(report.optout.scenarios.map((s) => [s.name, s.status, s.note])));
    assert.deepEqual(failing(report), [], notes(report));
    assert.equal(report.optout.scenarios.length, 10);
    const canary = report.optout.scenarios.find((s) => s.name === 'canary-argument')!;
    assert.equal(canary.outcome, 'sent');
    assert.equal(canary.errors, 0);
    assert.ok(report.requests.every((r) => r.findings.every((f) => f.rule !== 'term/canary')));
  });

  const broken: Array<[string, string[]]> = [
    ['ignores-config', ['config-disabled']],
    ['ignores-flag', ['flag']],
    ['ignores-env', ['do-not-track', 'env-disabled', 'env-disabled-true']],
    ['leaky-args', ['canary-argument']],
  ];
  for (const [variant, rows] of broken) {
    it(`${variant} fails ${rows.join(', ')} and nothing else`, async () => {
      const { code, report } = await run(variant);
      assert.equal(code, 1);
      assert.deepEqual(failing(report), rows, notes(report));
      if (variant === 'leaky-args') {
        const leaked = report.requests.filter((r) => r.findings.some((f) => f.rule === 'term/canary'));
        assert.ok(leaked.length > 0);
        assert.ok(leaked.every((r) => r.origin.scenario === 'canary-argument'), 'only the scenario with the canary argument carries it');
      }
    });
  }
});
