/**
 * Skyforge, the non-Hasura emitter fixture (fixtures/generic-tool): its policy file audits its
 * captures end to end through the CLI (clean passes, each leaky variant fails with its rule), a
 * draft inferred from the clean captures is refused until reviewed, and the fixture honours
 * every scenario of its opt-out pack.
 *
 * The last part applies the pack with planScenario and counts what reaches a loopback server.
 * It checks the fixture and the pack agree without the `optout` runner; the runner's own
 * end-to-end run of this pack is test/optout/skyforge-optout.test.ts.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadPack } from '../../src/optout/load-pack.js';
import type { Pack, Scenario } from '../../src/optout/pack-schema.js';
import { planScenario } from '../../src/optout/plan-scenario.js';
import { FIXTURES, REPO_ROOT } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';

const DIR = path.join(FIXTURES, 'generic-tool');
const POLICY = 'fixtures/generic-tool/skyforge.policy.yaml';
const expected = JSON.parse(readFileSync(path.join(DIR, 'expected.json'), 'utf8')) as Record<string, { exit: number; errors: string[]; warnings: string[] } | string>;

interface JsonReport {
  requests: Array<{ kind: string | null; findings: Array<{ rule: string; severity: string }> }>;
}
const ruleSet = (r: JsonReport, severity: string) => [...new Set(r.requests.flatMap((q) => q.findings).filter((f) => f.severity === severity).map((f) => f.rule))].sort();

describe('the Skyforge policy audits Skyforge captures', () => {
  for (const [file, want] of Object.entries(expected)) {
    if (typeof want === 'string') continue;
    it(`${file} → exit ${want.exit}, errors [${want.errors.join(', ')}]`, async () => {
      const run = await runCli(['audit', `fixtures/generic-tool/${file}`, '--policy', POLICY, '--format', 'json']);
      assert.equal(run.code, want.exit, run.stderr);
      const report = JSON.parse(run.stdout) as JsonReport;
      assert.ok(report.requests.length > 0);
      assert.deepEqual(ruleSet(report, 'error'), [...want.errors].sort());
      assert.deepEqual(ruleSet(report, 'warning'), [...want.warnings].sort());
    });
  }

  it('classifies every clean capture, the heartbeat by its destination alone', async () => {
    const run = await runCli(['audit', 'fixtures/generic-tool/captures', '--policy', POLICY, '--format', 'json', '--max-warnings', '0']);
    assert.equal(run.code, 0, run.stdout);
    const kinds = (JSON.parse(run.stdout) as JsonReport).requests.map((r) => r.kind).sort();
    assert.deepEqual(kinds, ['build', 'build', 'command', 'command', 'command', 'command', 'command', 'error', 'heartbeat']);
  });
});

describe('a draft inferred from the Skyforge captures', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ta-infer-'));
  const draft = path.join(dir, 'draft.yaml');

  it('is written with every string field marked, said to be unapproved, and refused by audit', async () => {
    const infer = await runCli(['policy', 'infer', 'fixtures/generic-tool/captures', '--name', 'skyforge-draft', '-o', draft]);
    assert.equal(infer.code, 0, infer.stderr);
    assert.match(infer.stderr, /Drafted policy "skyforge-draft" from 9 payload\(s\) of 9 request\(s\): 4 kind\(s\), 2 destination\(s\)\./);
    assert.match(infer.stderr, /This draft is not approved/);
    const text = readFileSync(draft, 'utf8');
    assert.match(text, /^# DRAFT policy inferred by telemetry-audit from 9 captured request\(s\): NOT APPROVED\./);
    assert.match(text, /match:\n\s+destination:\n\s+host: telemetry\.skyforge\.dev\n\s+path: \/v1\/heartbeat/, 'the heartbeat has no kind field');
    const check = await runCli(['policy', 'check', draft]);
    assert.equal(check.code, 1);
    assert.match(check.stdout, /valid, but a DRAFT: \d+ item\(s\) marked for review/);
    assert.equal((await runCli(['audit', 'fixtures/generic-tool/captures', '--policy', draft])).code, 2);
  });

  it('passes the captures it came from and still fails every leaky variant (with --allow-draft)', async () => {
    const clean = await runCli(['audit', 'fixtures/generic-tool/captures', '--policy', draft, '--allow-draft', '-q']);
    assert.equal(clean.code, 0, clean.stdout);
    for (const file of Object.keys(expected).filter((k) => k.startsWith('leaky/'))) {
      const run = await runCli(['audit', `fixtures/generic-tool/${file}`, '--policy', draft, '--allow-draft', '-q']);
      assert.equal(run.code, 1, `${file}: ${run.stdout}`);
    }
  });
});

// ---------------------------------------------------------------------------------------------

const EMITTER = path.join(REPO_ROOT, 'fixtures/generic-tool/skyforge.mjs');

interface Outcome {
  exitCode: number | null;
  bodies: string[];
  canary: string;
}

/** Run the emitter as one pack scenario would, its telemetry endpoint moved to a loopback server. */
async function runScenario(pack: Pack, scenario: Scenario, variant?: string): Promise<Outcome> {
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => (body += d));
    req.on('end', () => {
      bodies.push(`${req.url} ${body}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const root = mkdtempSync(path.join(os.tmpdir(), 'ta-scenario-'));
    const [home, cwd] = [path.join(root, 'home'), path.join(root, 'work')];
    mkdirSync(home);
    mkdirSync(cwd);
    const canary = `cnry${randomBytes(6).toString('hex')}`;
    const plan = planScenario(pack, scenario, {
      home,
      cwd,
      command: [process.execPath, EMITTER, 'build', '{{optout}}'],
      baseEnv: {
        PATH: process.env.PATH ?? '',
        SKYFORGE_TELEMETRY_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        ...(variant ? { SKYFORGE_EMITTER_VARIANT: variant } : {}),
      },
      canary,
      port: 0,
    });
    for (const f of plan.files) {
      mkdirSync(path.dirname(f.path), { recursive: true });
      writeFileSync(f.path, f.content, { mode: f.mode });
    }
    const child = spawn(plan.argv[0]!, plan.argv.slice(1), { env: plan.env, cwd: plan.cwd, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const exitCode = await new Promise<number | null>((r) => child.on('close', r));
    clearTimeout(timer);
    // The emitter waits for its sends before exiting; a short quiet window catches stragglers.
    await new Promise((r) => setTimeout(r, 150));
    return { exitCode, bodies, canary };
  } finally {
    server.close();
  }
}

/** Whether an outcome is what the scenario expects (refuse-start: an error exit with nothing sent). */
function meets(scenario: Scenario, o: Outcome): boolean {
  if (scenario.expect === 'send') return o.bodies.length > 0;
  if (scenario.expect === 'suppress') return o.bodies.length === 0;
  return o.exitCode !== 0 && o.bodies.length === 0;
}

describe('the Skyforge fixture honours its opt-out pack', () => {
  let pack: Pack;
  const outcomes = new Map<string, Outcome>();
  before(async () => {
    pack = (await loadPack('fixtures/generic-tool/skyforge.optout.yaml', REPO_ROOT)).pack;
    // Two at a time: the machine is shared.
    for (let i = 0; i < pack.scenarios.length; i += 2) {
      const batch = pack.scenarios.slice(i, i + 2);
      const results = await Promise.all(batch.map((s) => runScenario(pack, s)));
      batch.forEach((s, j) => outcomes.set(s.name, results[j]!));
    }
  });
  after(() => outcomes.clear());

  it('every scenario has the outcome the pack expects, the control included', () => {
    const wrong = pack.scenarios.filter((s) => !meets(s, outcomes.get(s.name)!)).map((s) => `${s.name}: expected ${s.expect}, ${outcomes.get(s.name)!.bodies.length} request(s)`);
    assert.deepEqual(wrong, []);
    assert.ok(outcomes.get('control')!.bodies.length >= 2, 'the control sends its events');
  });

  it('no request carries the canary given as an argument', () => {
    const o = outcomes.get('canary-argument')!;
    assert.ok(o.bodies.length > 0);
    assert.ok(!o.bodies.some((b) => b.includes(o.canary)));
  });

  it('a variant that breaks a promise fails the matching scenario (the check can fail)', async () => {
    const s = new Map(pack.scenarios.map((x) => [x.name, x]));
    const broken: Array<[string, string]> = [
      ['ignores-config', 'config-disabled'],
      ['ignores-flag', 'flag'],
      ['ignores-env', 'do-not-track'],
    ];
    for (const [variant, scenario] of broken) {
      const o = await runScenario(pack, s.get(scenario)!, variant);
      assert.equal(meets(s.get(scenario)!, o), false, `${variant} must break ${scenario}`);
    }
    const leaky = await runScenario(pack, s.get('canary-argument')!, 'leaky-args');
    assert.ok(leaky.bodies.some((b) => b.includes(leaky.canary)), 'leaky-args sends the canary');
  });
});
