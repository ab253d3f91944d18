/**
 * `browse` through the built CLI, on the reference console (fixtures/console) in a real headless
 * Chromium. Each run happens in a network namespace with loopback only (the browser's own
 * probes could otherwise try public addresses); the console's WebSocket to
 * wss://telemetry.hasura.io reaches the tool's proxy by name, never a resolver.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI, FIXTURES, REPO_ROOT } from '../helpers/paths.js';
import { runSealed, sealedUnavailable } from '../helpers/sealed-shell.js';

const CHROMIUM = process.env.CHROME_PATH || '/usr/bin/chromium';
const skip = !existsSync(CHROMIUM) ? `no Chromium at ${CHROMIUM} (.ci/run installs Debian's chromium)` : sealedUnavailable();
if (skip) console.log(`# browse tests skipped: ${skip}`);

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Serve the fixture console (its own args), browse it with `browseArgs`, all inside one sealed namespace. */
function browse(serveArgs: string[], browseArgs: string[], home: string) {
  const serve = ['node', q(path.join(FIXTURES, 'console', 'serve.mjs')), ...serveArgs.map(q)].join(' ');
  const script = [
    `out=$(mktemp)`,
    `${serve} > "$out" 2>&1 &`,
    `srv=$!`,
    // Bounded wait for the server's own "listening" line.
    `i=0; while ! grep -q listening "$out"; do i=$((i+1)); [ $i -gt 300 ] && { cat "$out" >&2; exit 96; }; sleep 0.1; done`,
    `url=$(awk '{print $NF}' "$out")`,
    `node ${q(CLI)} browse ${browseArgs.map(q).join(' ')} "$url"`,
    `code=$?`,
    `kill $srv; rm -f "$out"`,
    `exit $code`,
  ].join('\n');
  return runSealed(script, { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', HOME: home, NO_COLOR: '1', CHROME_PATH: CHROMIUM } });
}

type Report = { exitCode: number; summary: { audited: number; errors: number; kinds: Record<string, number>; rules: Record<string, unknown> } };

describe('browse: the reference console in headless Chromium', { skip: skip ?? false }, () => {
  let home: string;
  before(() => {
    home = mkdtempSync(path.join(os.tmpdir(), 'ta-browse-'));
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  const session = path.join(FIXTURES, 'console', 'honest-session.yaml');

  it('honest console, telemetry on: its frames are captured, conform, exit 0', async () => {
    const save = path.join(home, 'honest.ndjson');
    const r = await browse(['--telemetry', 'true'], ['--policy', 'hasura', '--script', session, '--for', '0', '--format', 'json', '--save', save], home);
    const report = JSON.parse(r.stdout) as Report;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(report.exitCode, 0);
    // Two sidebar clicks before the reload, then the error and its click: four frames, all console-v2.
    assert.deepEqual(report.summary.kinds, { 'console-v2': 4 });
    assert.equal(report.summary.errors, 0);
    const frames = readFileSync(save, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { url: string; transport: string; origin: { page?: string } });
    assert.equal(frames.length, 4);
    for (const f of frames) {
      assert.equal(f.url, 'wss://telemetry.hasura.io/v1/ws');
      assert.equal(f.transport, 'websocket');
      assert.match(f.origin.page ?? '', /^http:\/\/127\.0\.0\.1:\d+\/console/);
    }
    assert.match(r.stderr, /step 7: wait for #telemetry-status\[data-idle\]/);
  });

  it('leaky console, telemetry off: it sends anyway, raw routes and a connection string in the error: exit 1', async () => {
    const r = await browse(['--telemetry', 'false', '--build', 'leaky'], ['--policy', 'hasura', '--script', session, '--for', '0', '--format', 'json'], home);
    const report = JSON.parse(r.stdout) as Report;
    assert.equal(r.code, 1, r.stderr);
    assert.equal(report.summary.kinds['console-v2'], 4);
    assert.ok(report.summary.rules['hasura/console-route-name'], JSON.stringify(report.summary.rules));
    assert.ok(report.summary.rules['secret/connection-string'], JSON.stringify(report.summary.rules));
  });

  it("the honest console's known gap: a source name in a route is caught on the real frame", async () => {
    const dir = mkdtempSync(path.join(home, 'gap-'));
    const script = path.join(dir, 'source.yaml');
    (await import('node:fs')).writeFileSync(script, 'steps:\n  - click: "#nav-source"\n  - waitFor: "#telemetry-status[data-idle]"\n');
    const r = await browse(['--telemetry', 'true'], ['--policy', 'hasura', '--script', script, '--for', '0', '--format', 'json'], home);
    const report = JSON.parse(r.stdout) as Report;
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(Object.keys(report.summary.rules).filter((k) => k.startsWith('hasura/')), ['hasura/console-route-name']);
  });

  it('honest console, telemetry off: nothing sent and no tracer: inconclusive (3), never a pass', async () => {
    const r = await browse(['--telemetry', 'false'], ['--policy', 'hasura', '--script', session, '--for', '0'], home);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout, /INCONCLUSIVE/);
  });

  it('a step that never succeeds makes the run inconclusive and says which step', async () => {
    const dir = mkdtempSync(path.join(home, 'bad-'));
    const script = path.join(dir, 'missing.yaml');
    // No wait on the page's idle signal before the bad step: with a 2 s step timeout a loaded
    // machine could fail that wait first. The first click's element is rendered at load.
    (await import('node:fs')).writeFileSync(script, 'timeout: 2\nsteps:\n  - click: "#nav-data"\n  - click: "#no-such-button"\n');
    const r = await browse(['--telemetry', 'true'], ['--policy', 'hasura', '--script', script, '--for', '0'], home);
    assert.equal(r.code, 3, r.stderr + r.stdout);
    assert.match(r.stderr, /step 2 \(click #no-such-button\) failed: no element matches #no-such-button after 2 s/);
  });
});

interface OptoutReport {
  exitCode: number;
  optout: { scenarios: Array<{ name: string; status: string; outcome: string; note: string; requests: number; probes: Array<{ ok: boolean | null; detail: string }> }> };
}

/** An opt-out pack with its browser steps on, against a reference emitter, inside the sealed test shell. */
function optoutWithBrowser(packArgs: string[], target: string[], variant: string, home: string) {
  const cmd = ['node', q(CLI), 'optout', ...packArgs, '--browser', q(CHROMIUM), '--format', 'json', '--', ...target.map(q)].join(' ');
  return runSealed(cmd, { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', HOME: home, NO_COLOR: '1', EMITTER_VARIANT: variant }, timeoutMs: 300_000 });
}

/** The hasura-server pack against the reference server emitter, console browser steps on. */
// The window starts once the console was clicked; 15 s (the pack's own) leaves a loaded machine
// room to open the console's WebSocket through the proxy.
const optoutServer = (variant: string, home: string) =>
  optoutWithBrowser(['--pack', 'hasura-server', '--window', '15'], ['python3', path.join(FIXTURES, 'emitters', 'graphql-engine.py'), 'serve', '{{optout}}'], variant, home);

describe('optout --pack hasura-server --browser: the console judged by what the browser sent', { skip: skip ?? false }, () => {
  let home: string;
  before(() => {
    home = mkdtempSync(path.join(os.tmpdir(), 'ta-browse-optout-'));
  });
  after(() => rmSync(home, { recursive: true, force: true }));
  const row = (r: OptoutReport, name: string) => r.optout.scenarios.find((s) => s.name === name)!;

  it('honest server and console: the console sends with the server on, nothing when it is off: exit 0', async () => {
    const r = await optoutServer('clean', home);
    const report = JSON.parse(r.stdout) as OptoutReport;
    const summary = JSON.stringify(report.optout.scenarios.map((s) => [s.name, s.status, s.note]));
    assert.equal(r.code, 0, summary);
    for (const name of ['control', 'env-false', 'flag-false']) {
      const browserStep = row(report, name).probes.find((p) => /headless Chromium/.test(p.detail));
      assert.equal(browserStep?.ok, true, summary);
    }
    assert.equal(row(report, 'env-false').outcome, 'suppressed');
  });

  it('a console that ignores the switch: its frames make env-false and flag-false leak: exit 1', async () => {
    const r = await optoutServer('console-leaky', home);
    const report = JSON.parse(r.stdout) as OptoutReport;
    const summary = JSON.stringify(report.optout.scenarios.map((s) => [s.name, s.status, s.note]));
    assert.equal(r.code, 1, summary);
    // The server itself honoured the switch: only the page's frames can have leaked.
    assert.deepEqual(report.optout.scenarios.filter((s) => s.status === 'fail').map((s) => s.name).sort(), ['env-false', 'flag-false'], summary);
    for (const name of ['env-false', 'flag-false']) assert.match(row(report, name).note, /^LEAK/, summary);
  });
});

/** The hasura-cli-console pack against the reference CLI's `hasura console`, browser steps on. */
const optoutCliConsole = (variant: string, home: string) =>
  optoutWithBrowser(['--pack', 'hasura-cli-console'], ['node', path.join(FIXTURES, 'emitters', 'hasura-cli.mjs'), 'console', '{{optout}}'], variant, home);

describe('optout --pack hasura-cli-console --browser: the console `hasura console` serves, judged in a real browser', { skip: skip ?? false }, () => {
  let home: string;
  before(() => {
    home = mkdtempSync(path.join(os.tmpdir(), 'ta-browse-cli-console-'));
  });
  after(() => rmSync(home, { recursive: true, force: true }));
  const row = (r: OptoutReport, name: string) => r.optout.scenarios.find((s) => s.name === name)!;

  it("honest CLI and console: both send with no opt-out, nothing under either CLI switch: exit 0", async () => {
    const r = await optoutCliConsole('clean', home);
    const report = JSON.parse(r.stdout) as OptoutReport;
    const summary = JSON.stringify(report.optout.scenarios.map((s) => [s.name, s.status, s.note, s.requests]));
    assert.equal(r.code, 0, summary);
    // The control's requests: the CLI's event and at least one console frame from the click.
    assert.ok(row(report, 'control').requests >= 2, summary);
    for (const name of ['control', 'env-false', 'config-false']) {
      const browserStep = row(report, name).probes.find((p) => /headless Chromium/.test(p.detail));
      assert.equal(browserStep?.ok, true, summary);
    }
    assert.equal(row(report, 'env-false').outcome, 'suppressed', summary);
    assert.equal(row(report, 'config-false').outcome, 'suppressed', summary);
  });

  it('a console that ignores the CLI switch: its frames make env-false and config-false leak: exit 1', async () => {
    const r = await optoutCliConsole('console-leaky', home);
    const report = JSON.parse(r.stdout) as OptoutReport;
    const summary = JSON.stringify(report.optout.scenarios.map((s) => [s.name, s.status, s.note]));
    assert.equal(r.code, 1, summary);
    // The CLI honoured its switch: only the page's frames can have leaked.
    assert.deepEqual(report.optout.scenarios.filter((s) => s.status === 'fail').map((s) => s.name).sort(), ['config-false', 'env-false'], summary);
    for (const name of ['env-false', 'config-false']) assert.match(row(report, name).note, /^LEAK/, summary);
  });
});
