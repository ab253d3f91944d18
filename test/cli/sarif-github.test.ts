/**
 * SARIF that GitHub code scanning accepts, from every command: audit of stdin, run and optout
 * (their requests saved beside the report, so each result has a file and line), capped at
 * GitHub's 25,000 results with a note of what was cut. And reports after a failure: no exit-2
 * path leaves a truncated, empty or temporary file behind.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { RequestResult } from '../../src/engine/audit-request.js';
import { SummaryBuilder } from '../../src/engine/summary.js';
import { PLAIN } from '../../src/report/style.js';
import { SARIF_MAX_RESULTS, sarifReporter } from '../../src/report/sarif-report.js';
import { githubSarifProblems } from '../helpers/github-sarif.js';
import { FIXTURES, REPO_ROOT } from '../helpers/paths.js';
import { validateSarif } from '../helpers/reports.js';
import { runCli } from '../helpers/run-cli.js';
import { parseXml } from '../helpers/xml.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'ta-sarif-'));
const EMITTER = path.join(FIXTURES, 'emitters', 'hasura-cli.mjs');
const TIMEOUT = { timeoutMs: 120_000 };

/** The SARIF at `file` passes the schema and GitHub's rules; every result points into `dir`'s companion capture or a fixture. */
function accepted(file: string): any {
  const sarif = JSON.parse(readFileSync(file, 'utf8'));
  const { valid, errors } = validateSarif(sarif);
  assert.ok(valid, errors);
  assert.deepEqual(githubSarifProblems(sarif), []);
  return sarif;
}

/** Every result's file exists under `dir` and its line holds a capture record. */
function pointsIntoCompanion(sarif: any, dir: string, companion: string): void {
  const results = sarif.runs[0].results as any[];
  assert.ok(results.length > 0, 'the run has results');
  const lines = readFileSync(path.join(dir, companion), 'utf8').split('\n');
  assert.equal(statSync(path.join(dir, companion)).mode & 0o777, 0o600, 'the saved capture is private');
  for (const r of results) {
    for (const loc of [...r.locations, ...(r.relatedLocations ?? [])]) {
      assert.equal(loc.physicalLocation.artifactLocation.uri, companion);
      const line = lines[loc.physicalLocation.region.startLine - 1]!;
      assert.equal(typeof JSON.parse(line).method, 'string');
    }
  }
}

describe('SARIF that GitHub accepts, from every command', () => {
  it('audit of stdin: results point at the capture saved beside the report', async () => {
    const dir = tmp();
    const input = readFileSync(path.join(REPO_ROOT, 'fixtures/hasura/leaky/cli-command-flags.ndjson'));
    const run = await runCli(['audit', '-', '-o', 'out.sarif', '--no-local-identity'], { cwd: dir, input });
    assert.equal(run.code, 1, run.stderr);
    pointsIntoCompanion(accepted(path.join(dir, 'out.sarif')), dir, 'out.capture.ndjson');
    // The saved capture audits to the same findings.
    const again = await runCli(['audit', 'out.capture.ndjson', '-q', '--no-local-identity'], { cwd: dir });
    assert.equal(again.code, 1);
  });

  it('run: the live requests are saved beside the report', async () => {
    const dir = tmp();
    const run = await runCli(['run', '--no-trace', '--no-local-identity', '-o', 'run.sarif', '--', process.execPath, EMITTER, 'migrate', 'apply', '--database-name', 'orders_db'], {
      cwd: dir,
      env: { EMITTER_VARIANT: 'flags,error' },
      ...TIMEOUT,
    });
    assert.equal(run.code, 1, run.stdout + run.stderr);
    pointsIntoCompanion(accepted(path.join(dir, 'run.sarif')), dir, 'run.capture.ndjson');
  });

  it('optout: every scenario request is saved beside the report', async () => {
    const dir = tmp();
    const run = await runCli(['optout', '--no-trace', '--no-local-identity', '--pack', 'hasura-cli', '--window', '1', '-o', 'optout.sarif', '--', process.execPath, EMITTER, 'migrate', 'apply', '--database-name', 'orders_db', '{{optout}}'], {
      cwd: dir,
      env: { EMITTER_VARIANT: 'flags,error,ignores-config' },
      ...TIMEOUT,
    });
    assert.equal(run.code, 1, run.stdout + run.stderr);
    const sarif = accepted(path.join(dir, 'optout.sarif'));
    pointsIntoCompanion(sarif, dir, 'optout.capture.ndjson');
    assert.ok(sarif.runs[0].properties.optout.scenarios.length > 1);
  });

  it(`more distinct findings than GitHub takes: at most ${SARIF_MAX_RESULTS} results, errors kept before warnings, the cut said`, () => {
    const reporter = sarifReporter({ toolVersion: '0', policy: { name: 'p', title: 'P', version: '1' }, inputs: [], showEvidence: false, quiet: false, style: PLAIN, rules: [] });
    const summary = new SummaryBuilder();
    const request = (i: number) => ({ id: `c.ndjson:${i}`, time: '2026-01-01T00:00:00Z', method: 'POST', url: 'https://t.example/', headers: [], body: new Uint8Array(), transport: 'http' as const, origin: { kind: 'file' as const, file: 'c.ndjson', format: 'ndjson' as const, line: i } });
    const finding = (i: number, severity: 'error' | 'warning', fp: string) => ({ rule: severity === 'error' ? 'pii/email' : 'schema/undocumented-field', severity, message: 'm', requestId: `c.ndjson:${i}`, kind: 'k', location: { part: 'body' as const, path: '$.x' }, fingerprint: fp });
    let out = reporter.begin();
    // 20,000 distinct warnings, then 10,000 distinct errors, each error twice.
    for (let i = 1; i <= 40_000; i++) {
      const f = i <= 20_000 ? finding(i, 'warning', `w${i}`) : finding(i, 'error', `e${(i - 20_000) % 10_000}`);
      const result: RequestResult = { request: request(i), kind: 'k', verdict: f.severity === 'error' ? 'fail' : 'warn', findings: [f] };
      summary.add(result);
      out += reporter.result(result);
    }
    out += reporter.end(summary.build(), 1);
    const sarif = JSON.parse(out);
    assert.deepEqual(githubSarifProblems(sarif), []);
    const results = sarif.runs[0].results as Array<{ level: string; occurrenceCount?: number }>;
    assert.equal(results.length, SARIF_MAX_RESULTS);
    assert.equal(results.filter((r) => r.level === 'error').length, 10_000);
    assert.ok(results.filter((r) => r.level === 'error').every((r) => r.occurrenceCount === 2));
    const note = sarif.runs[0].invocations[0].toolExecutionNotifications[0].message.text as string;
    assert.match(note, /^5000 distinct findings \(5000 occurrences; rules schema\/undocumented-field\) were left out/);
  });
});

describe('reports after exit 2: complete or absent, never partial', () => {
  const OUTPUTS = ['-o', 'r.sarif', '-o', 'r.json', '-o', 'r.xml', '-o', 'r.md'];
  const cases: Array<[string, string[], RegExp]> = [
    ['no input', ['audit', ...OUTPUTS], /no input given/],
    ['missing input', ['audit', 'nope.ndjson', ...OUTPUTS], /nope\.ndjson/],
    ['empty --output (an unset $GITHUB_STEP_SUMMARY)', ['audit', path.join(REPO_ROOT, 'fixtures/hasura'), '-o', 'r.sarif', '--output', ''], /--output needs a file name/],
    ['bad --max-warnings', ['audit', path.join(REPO_ROOT, 'fixtures/hasura'), ...OUTPUTS, '--max-warnings', 'x'], /--max-warnings needs an integer/],
    ['unknown policy', ['audit', path.join(REPO_ROOT, 'fixtures/hasura'), ...OUTPUTS, '--policy', 'nosuch'], /unknown policy/],
    ['an output in a missing directory', ['audit', path.join(REPO_ROOT, 'fixtures/hasura'), '-o', 'r.sarif', '-o', 'no/such/dir/r.json'], /cannot write the report to no\/such\/dir\/r\.json/],
    ['nothing audited', ['audit', '-', ...OUTPUTS], /^/],
    ['optout of a command that does not exist', ['optout', '--no-trace', ...OUTPUTS, '--', 'no-such-command-here'], /command not found/],
    ['run of a command that does not exist', ['run', '--no-trace', ...OUTPUTS, '--', 'no-such-command-here'], /^/],
  ];
  for (const [name, args, message] of cases) {
    it(name, async () => {
      const dir = tmp();
      const run = await runCli([...args, '--no-local-identity'], { cwd: dir, input: '', ...TIMEOUT });
      assert.equal(run.code, 2, run.stdout + run.stderr);
      assert.match(run.stderr + run.stdout, message);
      for (const name of readdirSync(dir)) {
        const file = path.join(dir, name);
        assert.ok(!name.endsWith('.tmp'), `temporary file ${name} left behind`);
        if (!statSync(file).isFile()) continue;
        const text = readFileSync(file, 'utf8');
        assert.ok(text.length > 0, `${name} is empty`);
        // Whatever exists is complete, and says the run did not succeed.
        if (name.endsWith('.sarif')) assert.equal(accepted(file).runs[0].invocations[0].executionSuccessful, false);
        if (name.endsWith('.json')) assert.equal(JSON.parse(text).exitCode, 2);
        if (name.endsWith('.xml')) assert.ok(parseXml(text).name === 'testsuites' && /<failure /.test(text));
        if (name.endsWith('.md')) assert.match(text, /exit 2<\/sub>\n$/);
      }
    });
  }
});
