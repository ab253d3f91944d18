/**
 * Every bundled fixture, through the built CLI as a subprocess: its exit code and the exact
 * rule ids it must (and must not) produce, from fixtures/hasura.expected.json.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { FIXTURES } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';

interface Expectation {
  exit: number;
  errors: string[];
  warnings: string[];
}
const expected = JSON.parse(readFileSync(path.join(FIXTURES, 'hasura.expected.json'), 'utf8')) as Record<string, Expectation | string>;

describe('bundled Hasura fixtures through the CLI', () => {
  it('lists every fixture file in expected.json', () => {
    const onDisk = ['samples', 'wire', 'leaky'].flatMap((d) => readdirSync(path.join(FIXTURES, 'hasura', d)).map((f) => `${d}/${f}`));
    assert.deepEqual(onDisk.sort(), Object.keys(expected).filter((k) => !k.startsWith('$')).sort());
  });

  for (const [file, want] of Object.entries(expected)) {
    if (typeof want === 'string') continue;
    it(`${file} → exit ${want.exit}, errors [${want.errors.join(', ')}]`, async () => {
      // Expectations are machine-independent: this machine's identity terms are tested elsewhere.
      const run = await runCli(['audit', `fixtures/hasura/${file}`, '--no-local-identity', '--format', 'json']);
      assert.equal(run.code, want.exit, run.stderr);
      const report = JSON.parse(run.stdout) as { requests: Array<{ findings: Array<{ rule: string; severity: string }> }> };
      const findings = report.requests.flatMap((r) => r.findings);
      const set = (sev: string) => [...new Set(findings.filter((f) => f.severity === sev).map((f) => f.rule))].sort();
      assert.deepEqual(set('error'), [...want.errors].sort());
      assert.deepEqual(set('warning'), [...want.warnings].sort());
    });
  }

  it('audits exactly the listed fixtures when given the corpus directory', async () => {
    const run = await runCli(['audit', 'fixtures/hasura', '--format', 'json']);
    const report = JSON.parse(run.stdout) as { requests: Array<{ origin: { file?: string } }> };
    const files = new Set(report.requests.map((r) => r.origin.file));
    const listed = Object.keys(expected).filter((k) => !k.startsWith('$')).map((k) => `fixtures/hasura/${k}`);
    assert.deepEqual([...files].sort(), listed.sort());
  });

  it('fails the whole corpus (exit 1) and says so in the text report', async () => {
    const run = await runCli(['audit', 'fixtures/hasura']);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /Verdict: FAIL \(exit 1\)/);
    assert.match(run.stdout, /FAIL {2}cli-flat +fixtures\/hasura\/leaky\/cli-command-flags\.ndjson line 1/);
  });

  it('passes the clean corpus (exit 0) and fails it with --max-warnings 0 (exit 1)', async () => {
    const clean = ['fixtures/hasura/wire', 'fixtures/hasura/samples/server.json', 'fixtures/hasura/samples/cli.json'];
    assert.equal((await runCli(['audit', ...clean, '-q'])).code, 0);
    const strict = await runCli(['audit', ...clean, '-q', '--max-warnings', '0']);
    assert.equal(strict.code, 1);
    assert.equal((await runCli(['audit', ...clean, '-q', '--max-warnings', '1000'])).code, 0);
  });
});
