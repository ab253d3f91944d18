/**
 * The judgement of one scenario and of the run, without starting anything: every outcome from
 * the facts that decide it, the expectation comparison, probes, refusal patterns, the control's
 * say over everything else, and the exit code's order of precedence.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judge, verdictOf, withControl, type Observation, type ScenarioRowReport } from '../../src/optout/matrix.js';

const obs = (o: Partial<Observation> = {}): Observation => ({
  kind: 'cli',
  expect: 'suppress',
  informational: false,
  control: false,
  requests: 0,
  loopback: 0,
  bypasses: 0,
  errors: 0,
  warnings: 0,
  exit: { code: 0, signal: null, stoppedBy: null },
  stoppedFor: null,
  traced: true,
  stderr: '',
  probes: [],
  ...o,
});

const row = (name: string, o: Partial<ScenarioRowReport>): ScenarioRowReport => ({
  name,
  expect: 'suppress',
  informational: false,
  control: false,
  outcome: 'suppressed',
  status: 'pass',
  proxyOnly: false,
  requests: 0,
  loopback: 0,
  bypasses: 0,
  errors: 0,
  warnings: 0,
  rules: [],
  probes: [],
  exit: null,
  durationMs: 0,
  note: '',
  ...o,
});

describe('judge: one scenario', () => {
  it('a suppress scenario that sent is a leak, stopped at the first request', () => {
    const j = judge(obs({ requests: 1, stoppedFor: 'first-request', exit: { code: null, signal: 'SIGTERM', stoppedBy: 'stop' } }));
    assert.deepEqual([j.outcome, j.status], ['sent', 'fail']);
    assert.match(j.note, /^LEAK: 1 request \(stopped at the first one\)/);
  });

  it('a bypass attempt alone counts as sending; loopback requests do not', () => {
    assert.equal(judge(obs({ bypasses: 1 })).outcome, 'sent');
    const local = judge(obs({ loopback: 3 }));
    assert.deepEqual([local.outcome, local.status], ['suppressed', 'pass']);
    assert.match(local.note, /3 requests to loopback stayed on the machine/);
  });

  it('without the tracer, suppressed rests on the proxy alone and says so', () => {
    const j = judge(obs({ traced: false }));
    assert.deepEqual([j.outcome, j.status, j.proxyOnly], ['suppressed', 'pass', true]);
    assert.match(j.note, /only as good as the proxy/);
  });

  it('a CLI that fails without sending exited early (inconclusive, not a refusal), unless the control or the pack says that is how it ends', () => {
    const o = obs({ exit: { code: 1, signal: null, stoppedBy: null }, stderr: 'noise\nmore\nFATA[0000] bad value\nNode.js v20.20.2\n' });
    const alone = judge(o);
    assert.deepEqual([alone.outcome, alone.status], ['inconclusive', 'inconclusive']);
    // The last lines, not only the last one (a Node stack ends with its version).
    assert.match(alone.note, /exited early: exited with code 1 having sent nothing \(the pack expects 0\): "more \| FATA\[0000\] bad value \| Node\.js v20\.20\.2"/);
    const likeControl = judge(o, { normalExitCode: 1 });
    assert.deepEqual([likeControl.outcome, likeControl.status], ['suppressed', 'pass']);
    assert.equal(judge(obs({ exit: { code: 2, signal: null, stoppedBy: null } }), { normalExitCode: 1 }).outcome, 'inconclusive');
    // A build that fails on purpose: the pack expects exit 1, and what it sent is judged.
    const expected = judge(obs({ exit: { code: 1, signal: null, stoppedBy: null }, exitCodes: [1], exitCodesGiven: true }));
    assert.deepEqual([expected.outcome, expected.status], ['suppressed', 'pass']);
    assert.match(expected.note, /as the pack expects/);
    const sentAnyway = judge(obs({ expect: 'send', requests: 1, exit: { code: 1, signal: null, stoppedBy: null }, exitCodes: [1], exitCodesGiven: true }));
    assert.deepEqual([sentAnyway.outcome, sentAnyway.status], ['sent', 'pass']);
    // Only a scenario that expects a refusal is judged one.
    assert.equal(judge(obs({ expect: 'refuse-start', exit: { code: 1, signal: null, stoppedBy: null } })).outcome, 'refused to start');
  });

  it('a server that exits early is inconclusive (never became ready / before the observation ended), a refusal only where one is expected', () => {
    assert.equal(judge(obs({ kind: 'server', stoppedFor: 'observed', exit: { code: null, signal: 'SIGTERM', stoppedBy: 'stop' } })).outcome, 'suppressed');
    const early = judge(obs({ kind: 'server', ready: false, exit: { code: 0, signal: null, stoppedBy: null } }));
    assert.deepEqual([early.outcome, early.status], ['inconclusive', 'inconclusive']);
    assert.match(early.note, /exited early: exited with code 0 and never became ready/);
    assert.equal(judge(obs({ kind: 'server', expect: 'refuse-start', exit: { code: 1, signal: null, stoppedBy: null } })).outcome, 'refused to start');
    assert.equal(judge(obs({ kind: 'server', exitCodes: [0], exitCodesGiven: true, exit: { code: 0, signal: null, stoppedBy: null } })).outcome, 'suppressed');
  });

  it('a setup step that failed leaves the scenario inconclusive; one that sent is judged like the trigger', () => {
    const failed = judge(obs({ setupFailure: 'setup step disable exited with code 3 (expected 0)', triggerRan: false, exit: { code: 3, signal: null, stoppedBy: null } }));
    assert.deepEqual([failed.outcome, failed.status, failed.note], ['inconclusive', 'inconclusive', 'setup step disable exited with code 3 (expected 0)']);
    const step = { name: 'disable', kind: 'run' as const, command: 'x', judged: true, exit: null, requests: 1, bypasses: 0, durationMs: 1, stderrTail: [] };
    const leak = judge(obs({ requests: 1, stoppedFor: 'first-request', triggerRan: false, steps: [step], exit: { code: null, signal: 'SIGTERM', stoppedBy: 'stop' } }));
    assert.deepEqual([leak.outcome, leak.status], ['sent', 'fail']);
    assert.match(leak.note, /^LEAK: 1 request by setup step disable/);
  });

  it('refuse-start checks stderr against the pack pattern', () => {
    const base = { expect: 'refuse-start' as const, exit: { code: 1, signal: null, stoppedBy: null }, refusalPattern: 'ENABLE_TELEMETRY' };
    assert.equal(judge(obs({ ...base, stderr: 'Fatal Error: HASURA_GRAPHQL_ENABLE_TELEMETRY: Not a valid boolean' })).status, 'pass');
    const wrong = judge(obs({ ...base, stderr: 'Fatal Error: cannot connect to the database' }));
    assert.equal(wrong.status, 'fail');
    assert.match(wrong.note, /does not match \/ENABLE_TELEMETRY\//);
    assert.equal(judge(obs({ ...base, requests: 1 })).outcome, 'sent');
  });

  it('timeouts, interrupts and spawn failures are inconclusive, never suppressed', () => {
    assert.equal(judge(obs({ exit: { code: null, signal: 'SIGTERM', stoppedBy: 'timeout' } })).status, 'inconclusive');
    assert.equal(judge(obs({ stoppedFor: 'interrupt', exit: { code: null, signal: 'SIGTERM', stoppedBy: 'interrupt' } })).status, 'inconclusive');
    assert.equal(judge(obs({ exit: { code: null, signal: null, stoppedBy: null, spawnError: 'ENOENT' } })).status, 'inconclusive');
    assert.equal(judge(obs({ exit: null })).status, 'inconclusive');
  });

  it('a failed probe fails a scenario that behaved; an unanswered one leaves it inconclusive', () => {
    const server = { kind: 'server' as const, stoppedFor: 'observed' as const, exit: { code: null, signal: 'SIGTERM', stoppedBy: 'stop' as const } };
    assert.equal(judge(obs({ ...server, probes: [{ url: 'u', ok: false, detail: 'says true' }] })).status, 'fail');
    assert.equal(judge(obs({ ...server, probes: [{ url: 'u', ok: null, detail: 'no answer' }] })).status, 'inconclusive');
    assert.equal(judge(obs({ ...server, probes: [{ url: 'u', ok: true, detail: 'yes' }] })).status, 'pass');
  });

  it('errors in what a send scenario sent fail it; informational rows are never failed', () => {
    assert.equal(judge(obs({ expect: 'send', requests: 1, errors: 1 })).status, 'fail');
    assert.equal(judge(obs({ expect: 'send', requests: 1, warnings: 3 })).status, 'pass');
    assert.equal(judge(obs({ informational: true, requests: 1, errors: 1 })).status, 'info');
  });
});

describe('verdictOf and withControl: the run', () => {
  const control = row('control', { control: true, expect: 'send', outcome: 'sent', requests: 1 });

  it('passes when the control sent and every promise held', () => {
    const v = verdictOf([control, row('env', {}), row('dnt', { informational: true, outcome: 'sent', status: 'info' })]);
    assert.deepEqual([v.exitCode, v.label], [0, 'PASS']);
  });

  it('a leak fails the run even when the control sent nothing', () => {
    const v = verdictOf([row('control', { control: true, expect: 'send', outcome: 'suppressed', status: 'fail' }), row('env', { outcome: 'sent', status: 'fail', requests: 1 })]);
    assert.deepEqual([v.exitCode, v.conclusion], [1, '1 opt-out path leaked (env)']);
  });

  it('a silent control makes the run inconclusive and takes the ticks off every silent row', () => {
    const rows = withControl([row('control', { control: true, expect: 'send', outcome: 'suppressed', status: 'fail' }), row('env', {}), row('dnt', { informational: true, status: 'info' })]);
    assert.equal(rows[1]!.status, 'inconclusive');
    assert.match(rows[1]!.note, /proves nothing: the control did not send/);
    assert.equal(rows[2]!.status, 'info');
    assert.deepEqual([verdictOf(rows).exitCode, verdictOf(rows).label], [3, 'INCONCLUSIVE']);
  });

  it('an unmet expectation other than a leak fails; a row that could not conclude is inconclusive', () => {
    assert.equal(verdictOf([control, row('zero', { expect: 'refuse-start', outcome: 'suppressed', status: 'fail' })]).exitCode, 1);
    assert.equal(verdictOf([control, row('slow', { outcome: 'inconclusive', status: 'inconclusive' })]).exitCode, 3);
    assert.equal(verdictOf([control, row('dnt', { informational: true, outcome: 'inconclusive', status: 'info' })]).exitCode, 0);
  });

  it('audit errors in what the control sent fail the run', () => {
    const v = verdictOf([{ ...control, errors: 2, status: 'fail' }, row('env', {})]);
    assert.deepEqual([v.exitCode, v.conclusion], [1, 'audit errors in what control sent']);
  });

  it('says when suppressed results rest on the proxy alone', () => {
    assert.match(verdictOf([control, row('env', { proxyOnly: true })]).conclusion, /the proxy alone backs 1 suppressed result\)$/);
  });
});
