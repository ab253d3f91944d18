/**
 * `optout` end to end, through the built CLI, against the reference emitters: an honest emitter
 * passes every pack, each broken opt-out fails its row (and only its row), an emitter that never
 * sends is inconclusive, a refusal to start is its own outcome, the console probe can fail, a
 * canary in the command line is searched in every request, and the real HOME is never touched.
 * Everything goes through the proxy (which never forwards); short windows keep it quick. The
 * tests that are about proxy mode say --no-sealed.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { OptoutMatrix, ScenarioRowReport } from '../../src/optout/matrix.js';
import { FIXTURES } from '../helpers/paths.js';
import { runCli, runCliJson, tempHome } from '../helpers/run-cli.js';
import { traceSkip } from '../helpers/live.js';
import { redactUrl } from '../../src/engine/url-redaction.js';

const EMITTERS = path.join(FIXTURES, 'emitters');
const NODE_CLI = ['node', path.join(EMITTERS, 'hasura-cli.mjs')];
const PY_SERVER = ['python3', path.join(EMITTERS, 'graphql-engine.py'), 'serve'];
const TIMEOUT = { timeoutMs: 120_000 };

interface Report {
  requests: Array<{ method: string; url: string; origin: { scenario?: string }; findings: Array<{ rule: string; severity: string; evidence?: string }> }>;
  optout: OptoutMatrix;
  exitCode: number;
  conclusion?: string;
}

function optout(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; report: Report; stderr: string }> {
  return runCliJson<Report>(['optout', '--format', 'json', '--no-local-identity', ...args], { env, ...TIMEOUT });
}

const row = (report: Report, name: string): ScenarioRowReport => {
  const found = report.optout.scenarios.find((s) => s.name === name);
  assert.ok(found, `no row ${name}`);
  return found;
};
/** Rows that are not as the pack expects (informational rows never are). */
const failing = (report: Report) => report.optout.scenarios.filter((s) => s.status === 'fail').map((s) => s.name).sort();
/** What each row that is not a plain pass says: the message of a failed row assertion. */
const notes = (r: Report) => JSON.stringify(r.optout.scenarios.filter((s) => s.status !== 'pass').map((s) => [s.name, s.status, s.outcome, s.note]));
const outcomes = (report: Report) => Object.fromEntries(report.optout.scenarios.map((s) => [s.name, s.outcome]));

const CLI_HONEST = {
  control: 'sent',
  'env-false': 'suppressed',
  'config-false': 'suppressed',
  'config-true': 'sent',
  'env-false-over-config-true': 'suppressed',
  'env-true-over-config-false': 'sent',
  'env-parsebool-0': 'suppressed',
  'env-parsebool-false-upper': 'suppressed',
  'env-parsebool-f': 'suppressed',
  'env-non-boolean': 'suppressed',
  'config-string-false': 'suppressed',
  'do-not-track': 'sent',
  'ci-true': 'sent',
};

describe('optout --pack hasura-cli against the CLI emitter', () => {
  it('an emitter that honours every path passes: every row as expected, exit 0', async () => {
    const { code, report } = await optout(['--pack', 'hasura-cli', '--window', '1', '--', ...NODE_CLI, 'version', '{{optout}}']);
    assert.equal(code, 0, JSON.stringify(report.optout, null, 1));
    assert.deepEqual(outcomes(report), CLI_HONEST);
    assert.deepEqual(failing(report), [], notes(report));
    assert.equal(report.optout.verdict.label, 'PASS');
    assert.equal(row(report, 'control').requests, 1);
    assert.equal(row(report, 'do-not-track').status, 'info', 'informational rows are reported, never failed');
    // Every captured request is attributed to the scenario that sent it.
    const senders = report.requests.map((r) => r.origin.scenario).sort();
    assert.deepEqual(senders, ['ci-true', 'config-true', 'control', 'do-not-track', 'env-true-over-config-false']);
  });

  const broken: Array<[string, string[]]> = [
    ['ignores-config', ['config-false']],
    ['false-upper-is-true', ['env-parsebool-false-upper']],
  ];
  for (const [variant, rows] of broken) {
    it(`${variant}: exactly ${rows.join(', ')} leaked, exit 1`, async () => {
      const { code, report } = await optout(['--pack', 'hasura-cli', '--window', '1', '--', ...NODE_CLI, 'version', '{{optout}}'], { EMITTER_VARIANT: variant });
      assert.equal(code, 1);
      assert.deepEqual(failing(report), rows, notes(report));
      for (const name of rows) {
        assert.equal(row(report, name).outcome, 'sent');
        assert.match(row(report, name).note, /^LEAK: 1 request \(stopped at the first one\)/);
      }
      assert.match(report.optout.verdict.conclusion, new RegExp(`1 opt-out path leaked \\(${rows[0]}\\)`));
    });
  }

  it('update-check: every opt-out row sends the update check, which the policy rejects too: exit 1', async () => {
    const { code, report } = await optout(['--pack', 'hasura-cli', '--window', '1', '--', ...NODE_CLI, 'version', '{{optout}}'], { EMITTER_VARIANT: 'update-check' });
    assert.equal(code, 1);
    const promisedSuppress = Object.entries(CLI_HONEST).filter(([n, o]) => o === 'suppressed' && !['env-non-boolean', 'config-string-false'].includes(n)).map(([n]) => n);
    assert.deepEqual(failing(report), [...promisedSuppress, 'config-true', 'control', 'env-true-over-config-false'].sort(), notes(report));
    const fromEnvFalse = report.requests.filter((r) => r.origin.scenario === 'env-false');
    assert.deepEqual(fromEnvFalse.map((r) => `${r.method} ${r.url}`), [`GET ${redactUrl('https://releases.hasura.io/graphql-engine?agent=cli&version=v2.36.0', false)}`], 'the URL as reports show it: query values redacted');
    assert.ok(fromEnvFalse[0]!.findings.some((f) => f.rule === 'request/destination' && f.severity === 'error'));
  });

  it('never-sends: the control sent nothing, so nothing is proven: exit 3, no row passes', async () => {
    const { code, report } = await optout(['--pack', 'hasura-cli', '--window', '1', '--', ...NODE_CLI, 'version', '{{optout}}'], { EMITTER_VARIANT: 'never-sends' });
    assert.equal(code, 3);
    assert.equal(report.optout.verdict.label, 'INCONCLUSIVE');
    assert.match(report.optout.verdict.conclusion, /^the control sent nothing/);
    assert.equal(row(report, 'control').outcome, 'suppressed');
    assert.equal(row(report, 'env-false').status, 'inconclusive');
    assert.ok(report.optout.scenarios.every((s) => s.status !== 'pass'));
  });

  it('a canary in the command line: an honest failing command keeps it out of every request; one that sends its error text is caught', async () => {
    const command = ['--pack', 'hasura-cli', '--window', '1', '--show-evidence', '--', ...NODE_CLI, 'migrate', 'apply', '--database-name', '{{canary}}', '{{optout}}'];
    const honest = await optout(command, { EMITTER_VARIANT: 'fails' });
    assert.equal(honest.code, 0, JSON.stringify(honest.report.optout.scenarios.map((s) => [s.name, s.status, s.note])));
    assert.ok(honest.report.requests.length >= 5);
    assert.ok(honest.report.requests.every((r) => r.findings.every((f) => f.rule !== 'term/canary')));

    const leaky = await optout(command, { EMITTER_VARIANT: 'fails,error' });
    assert.equal(leaky.code, 1);
    const canaries = leaky.report.requests.flatMap((r) => r.findings.filter((f) => f.rule === 'term/canary'));
    assert.ok(canaries.length >= 5, 'every request that carried the error text is caught');
    // A fresh term per run: each run planted a different one, never the literal placeholder.
    const planted = new Set(canaries.map((f) => f.evidence));
    assert.equal(planted.size, 1);
    assert.match([...planted][0]!, /^cnry[0-9a-f]{16}$/);
    assert.ok(row(leaky.report, 'control').rules.includes('term/canary'));
    assert.deepEqual(failing(leaky.report), ['config-true', 'control', 'env-true-over-config-false'], notes(leaky.report));
  });

  it('never reads or writes the real HOME: a sentinel HOME that opts out is ignored and left exactly as it was', async () => {
    const home = tempHome();
    mkdirSync(path.join(home, '.hasura'));
    mkdirSync(path.join(home, '.config'));
    writeFileSync(path.join(home, '.hasura', 'config.json'), JSON.stringify({ uuid: 'a7c3e0f2-5b1d-4e8a-9c6f-0d2b4a6e8c10', enable_telemetry: false }) + '\n');
    writeFileSync(path.join(home, '.config', 'sentinel'), 'untouched\n');
    const snapshot = () => listTree(home);
    const before = snapshot();
    const r = await runCli(['optout', '--pack', 'hasura-cli', '--window', '1', '--format', 'json', '--no-local-identity', '--', ...NODE_CLI, 'version', '{{optout}}'], {
      env: { HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), HASURA_GRAPHQL_ENABLE_TELEMETRY: 'false' },
      ...TIMEOUT,
    });
    // The control sent: neither the sentinel's config nor the caller's variable reached it.
    assert.equal(r.code, 0, r.stdout.slice(-3000));
    assert.deepEqual(snapshot(), before);
  });
});

function listTree(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) {
        out.push(`${path.relative(root, p)}/ ${st.mtimeMs}`);
        walk(p);
      } else {
        out.push(`${path.relative(root, p)} ${st.mtimeMs} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`);
      }
    }
  };
  walk(root);
  return out;
}

describe('optout --pack hasura-server against the server emitter', () => {
  // The server pack watches a running server for the window; 5 s leaves room for a loaded CI
  // machine to start Python under strace and send (2 s was not always enough).
  const args = ['--pack', 'hasura-server', '--window', '5', '--', ...PY_SERVER, '{{optout}}'];

  it('honest: every path holds, 0 refuses to start, the console is told the setting: exit 0', async () => {
    const { code, report } = await optout(args);
    assert.equal(code, 0, JSON.stringify(report.optout.scenarios.map((s) => [s.name, s.status, s.note])));
    assert.deepEqual(failing(report), [], notes(report));
    const zero = row(report, 'env-zero');
    assert.equal(zero.outcome, 'refused to start');
    assert.match(zero.note, /exited with code 1 .*Fatal Error: HASURA_GRAPHQL_ENABLE_TELEMETRY: Not a valid boolean text/);
    for (const name of ['control', 'env-false', 'flag-false']) {
      const probes = row(report, name).probes;
      assert.equal(probes.length, 1);
      assert.equal(probes[0]!.ok, true, probes[0]!.detail);
    }
    assert.equal(row(report, 'control').requests >= 2, true);
    assert.equal(row(report, 'flag-true-over-env-false').outcome, 'sent');
  });

  it('ignores-flag: the flag opt-outs leak, the variable ones hold: exit 1', async () => {
    const { code, report } = await optout(args, { EMITTER_VARIANT: 'ignores-flag' });
    assert.equal(code, 1);
    // flag-true-over-env-false now follows the variable (off): expected to send, it does not.
    assert.deepEqual(failing(report), ['flag-false', 'flag-false-over-env-true', 'flag-true-over-env-false'], notes(report));
    assert.equal(row(report, 'flag-true-over-env-false').outcome, 'suppressed');
    assert.equal(row(report, 'env-false').outcome, 'suppressed');
  });

  it('a console that is told telemetry is on despite the opt-out fails the probe, though nothing was sent', async () => {
    const { code, report } = await optout(args, { EMITTER_VARIANT: 'console-always-on' });
    assert.equal(code, 1);
    assert.deepEqual(failing(report), ['env-false', 'flag-false'], notes(report));
    const r = row(report, 'env-false');
    assert.equal(r.outcome, 'suppressed');
    assert.equal(r.probes[0]!.ok, false);
    assert.match(r.note, /probe failed: the console served by the server is told enableTelemetry: false: the page does not match/);
  });

  it('a server that is slow to start is watched from the moment it is up, not judged silent before', async () => {
    // Three seconds of start-up against a one-second window: judged from spawn, the control
    // would have sent nothing and the run would be inconclusive; judged from /healthz, it passes.
    const { code, report } = await optout(['--pack', 'hasura-server', '--window', '1', '--', ...PY_SERVER, '{{optout}}'], { EMITTER_STARTUP_SECONDS: '3' });
    assert.equal(code, 0, JSON.stringify(report.optout.scenarios.map((s) => [s.name, s.status, s.note])));
    // At least the first POST: on a loaded machine the second may fall after the one-second window.
    assert.equal(row(report, 'control').requests >= 1, true);
    assert.equal(row(report, 'env-zero').outcome, 'refused to start');
  });

  it('false-upper-is-true: FALSE leaks; update-check: every opt-out leaks to releases.hasura.io', async () => {
    const upper = await optout(args, { EMITTER_VARIANT: 'false-upper-is-true' });
    assert.equal(upper.code, 1);
    assert.deepEqual(failing(upper.report), ['env-false-upper'], notes(upper.report));
    const check = await optout(args, { EMITTER_VARIANT: 'update-check' });
    assert.equal(check.code, 1);
    assert.equal(row(check.report, 'env-false').outcome, 'sent');
    assert.ok(check.report.requests.some((r) => r.origin.scenario === 'flag-false' && r.url.startsWith(redactUrl('https://releases.hasura.io/graphql-engine?agent=server', false))));
  });
});

describe('optout without a tracer, other formats, and usage errors', () => {
  it('--no-trace: a suppressed result rests on the proxy alone, and the matrix says so', async () => {
    const r = await runCli(['optout', '--no-sealed', '--no-trace', '--no-local-identity', '-q', '--pack', 'hasura-cli', '--window', '1', '--', ...NODE_CLI, 'version', '{{optout}}'], TIMEOUT);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /no tracer \(tracing was turned off \(--no-trace\)\): only what reaches the proxy is seen/);
    assert.match(r.stdout, /^✓ {2}env-false +suppress +0 +0 {2}suppressed\*/m);
    assert.match(r.stdout, /^\* suppressed as far as the proxy can tell/m);
    assert.match(r.stdout, /Opt-out verdict: PASS: .*the proxy alone backs \d+ suppressed results/);
  });

  it('--format junit: one test case per scenario, the leaked one failing', async () => {
    const r = await runCli(['optout', '--format', 'junit', '--no-local-identity', '--pack', 'hasura-cli', '--window', '1', '--', ...NODE_CLI, 'version', '{{optout}}'], {
      env: { EMITTER_VARIANT: 'ignores-config' },
      ...TIMEOUT,
    });
    assert.equal(r.code, 1);
    const cases = [...r.stdout.matchAll(/<testcase classname="telemetry-audit\.optout\.hasura-cli" name="([^"]+)"(\/)?>/g)].map((m) => m[1]);
    assert.deepEqual(cases, Object.keys(CLI_HONEST));
    const failures = [...r.stdout.matchAll(/name="([^"]+)">\n\s+<failure message="([^"]*)" type="optout\/failed"/g)].map((m) => [m[1], m[2]]);
    assert.deepEqual(failures, [['config-false', 'not as expected: expected suppress, sent']]);
  });

  it('exit 2 before anything runs: no command, an unknown pack, a bad window, a command that does not exist', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['optout'], /no command given/],
      [['optout', '--pack', 'nope', '--', 'node', 'x'], /unknown opt-out pack "nope"/],
      [['optout', '--window', '0', '--', 'node', 'x'], /--window needs a number of seconds > 0/],
      [['optout', '--pack', 'hasura-cli', '--', 'no-such-command-here', '{{optout}}'], /no-such-command-here: command not found/],
      [['optout', '--', 'node', '{{optout}}', '{{optout}}'], /\{\{optout\}\} may appear once/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });

  it('--tui where there is no terminal prints the text matrix instead, with the same exit code', async () => {
    const r = await runCli(['optout', '--tui', '-q', '--no-local-identity', '--pack', 'hasura-cli', '--window', '1', '--', ...NODE_CLI, 'version', '{{optout}}'], {
      env: { EMITTER_VARIANT: 'ignores-config' },
      ...TIMEOUT,
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /standard output is not a terminal: printing the text report instead/);
    assert.match(r.stdout, /^✗ {2}config-false +suppress +1 +0 {2}sent/m);
  });
});

describe('the tracer sees what the proxy cannot', () => {
  it('a scenario whose target connects around the proxy is a leak even though no request arrived', async (t) => {
    const skip = traceSkip();
    if (skip) return t.skip(skip);
    // direct-client.py ignores every proxy variable; it aims at a closed loopback port, and
    // --trace-loopback counts that connection as a bypass.
    const pack = path.join(tempHome(), 'direct.yaml');
    writeFileSync(
      pack,
      [
        'name: direct',
        'title: a client that ignores the proxy',
        'description: test pack',
        'target: { kind: cli }',
        'timing: { quietWindowSeconds: 1 }',
        'scenarios:',
        '  - { name: control, control: true, expect: send }',
        '  - { name: opted-out, env: { set: { NO_TELEMETRY: "1" } }, expect: suppress }',
      ].join('\n'),
    );
    // Proxy mode (sealed, the same client would be captured, not a bypass).
    const { code, report } = await optout(['--pack', pack, '--no-sealed', '--trace-loopback', '--', 'python3', path.join(EMITTERS, 'direct-client.py')], { EMITTER_DIRECT_URL: 'http://127.0.0.1:9/v1/http' });
    assert.equal(code, 1);
    const r = row(report, 'opted-out');
    assert.equal(r.requests, 0);
    assert.ok(r.bypasses >= 1);
    assert.equal(r.outcome, 'sent');
    assert.equal(r.status, 'fail');
  });
});
