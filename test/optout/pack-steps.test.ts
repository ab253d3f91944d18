/**
 * The pack format's real-tool paths, end to end against the reference emitter devtool.mjs: setup
 * steps attributed per request (one whose opt-out command itself sends), a project copied per
 * scenario with a project-config opt-out, a container-only config path under the preload's
 * machine view, a failing build that sends a crash report (exit code 1 expected), and the
 * GET-only and urlencoded clients run with every proxy variable unset (the preload captures).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OptoutMatrix } from '../../src/optout/matrix.js';
import { runCli } from '../helpers/run-cli.js';

interface Report {
  exitCode: number;
  optout: OptoutMatrix;
  requests: Array<{ kind: string | null; origin: { scenario?: string; step?: string }; body?: { text?: string }; findings: Array<{ rule: string; message: string; location: { part: string; component?: string } }> }>;
}

async function optout(pack: string, command: string, variant?: string, identity = false): Promise<Report> {
  const r = await runCli(['optout', '--format', 'json', ...(identity ? [] : ['--no-local-identity']), '--pack', `fixtures/devtool/${pack}`, '--', 'node', 'fixtures/emitters/devtool.mjs', command], {
    env: variant ? { EMITTER_VARIANT: variant } : {},
    timeoutMs: 150_000,
  });
  try {
    return JSON.parse(r.stdout) as Report;
  } catch {
    throw new Error(`not a JSON report (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}
const row = (r: Report, name: string) => r.optout.scenarios.find((s) => s.name === name)!;
const failing = (r: Report) => r.optout.scenarios.filter((s) => s.status === 'fail').map((s) => s.name).sort();
const notes = (r: Report) => JSON.stringify(r.optout.scenarios.filter((s) => s.status !== 'pass').map((s) => [s.name, s.status, s.outcome, s.note]));

describe('optout --pack devtool.optout.yaml -- node devtool.mjs build', () => {
  it('every path holds: steps, project config, container view, crash report with exit 1', async () => {
    const r = await optout('devtool.optout.yaml', 'build');
    assert.equal(r.exitCode, 0, notes(r));
    assert.deepEqual(failing(r), [], notes(r));
    // The setup command's own request is shown, attributed to its step, and not judged.
    const disable = row(r, 'telemetry-disable');
    assert.deepEqual(disable.steps?.map((s) => [s.name, s.requests, s.judged, s.exit?.code]), [['disable', 1, false, 0], ['trigger', 0, true, 0]]);
    assert.match(disable.note, /steps: disable: exit 0, 1 request \(not judged\) → trigger: exit 0, 0 requests/);
    assert.ok(r.requests.some((q) => q.origin.scenario === 'telemetry-disable' && q.origin.step === 'disable'));
    assert.ok(r.requests.filter((q) => q.origin.scenario === 'control').every((q) => q.origin.step === 'trigger'));
    // Judged, the same request is a leak of the opt-out command itself (informational here).
    const sends = row(r, 'disable-command-sends');
    assert.deepEqual([sends.outcome, sends.status], ['sent', 'info']);
    assert.match(sends.note, /by setup step disable/);
    // In a container the tool reads the project, not the user config: the same file no longer opts out.
    assert.equal(row(r, 'container-user-config').outcome, 'sent');
    assert.equal(row(r, 'container-disable').outcome, 'suppressed');
    const crash = row(r, 'crash-report');
    assert.deepEqual([crash.outcome, crash.exit?.code, crash.exitExpected], ['sent', 1, [1]]);
    assert.ok(crash.stderrTail?.some((l) => /Build failed/.test(l)));
    assert.equal(row(r, 'crash-opted-out').outcome, 'suppressed');
    assert.ok(r.requests.some((q) => q.origin.scenario === 'crash-report' && /"eventName":"crash"/.test(q.body?.text ?? '')), 'bodies are in the report');
  });

  it('a tool that ignores its project config, or sends its crash report opted out, fails exactly that row', async () => {
    const a = await optout('devtool.optout.yaml', 'build', 'ignores-project-config,crash-ignores-optout');
    assert.equal(a.exitCode, 1);
    assert.deepEqual(failing(a), ['crash-opted-out', 'project-config'], notes(a));
  });
});

describe('a scenario\'s own directories are the user\'s identity', () => {
  it('a tool that sends the unsalted SHA-256 of its working directory (Astro) leaks it, found in every scenario it sent from', async () => {
    const r = await optout('devtool-net.optout.yaml', 'check', 'hashes-cwd', true);
    assert.equal(r.exitCode, 1, notes(r));
    const sent = r.requests.filter((q) => q.origin.scenario === 'control');
    assert.ok(sent.length > 0);
    for (const q of sent) {
      const leak = q.findings.find((f) => f.rule === 'term/identity');
      assert.ok(leak, JSON.stringify(q.findings));
      assert.match(leak.message, /identity:cwd/);
      assert.match(leak.message, /sha256/);
    }
    // The same run without the whole hash (8 hex digits identify nothing) is clean.
    const clean = await optout('devtool-net.optout.yaml', 'check', undefined, true);
    assert.equal(clean.exitCode, 0, notes(clean));
  });
});

describe('optout --pack devtool-net.optout.yaml (proxy variables unset)', () => {
  for (const [command, kind] of [['check', 'checkpoint'], ['analytics', 'ga4-batch']] as const) {
    it(`${command}: captured through the preload alone, audited field by field (${kind})`, async () => {
      const r = await optout('devtool-net.optout.yaml', command);
      assert.equal(r.exitCode, 0, notes(r));
      const sent = r.requests.filter((q) => q.origin.scenario === 'control');
      assert.ok(sent.length > 0);
      assert.ok(sent.every((q) => q.kind === kind && q.findings.length === 0), JSON.stringify(sent));
    });
  }
});
