import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from '../helpers/run-cli.js';

// Values the leaky fixtures carry; no report may print them unless asked to.
const SECRETS = ['inventory_prod', 'top_loyal_customers', 'jane.doe@acme-corp.example', 'acme_sales_warehouse', '--admin-secret', '_hasura_session'];

describe('reports', () => {
  it('the JSON report has its documented shape', async () => {
    const run = await runCli(['audit', 'fixtures/hasura/leaky/cli-command-flags.ndjson', '--format', 'json']);
    const report = JSON.parse(run.stdout);
    assert.equal(report.schemaVersion, 1);
    assert.equal(report.tool.name, 'telemetry-audit');
    assert.equal(report.policy.name, 'hasura');
    assert.equal(report.evidence, 'redacted');
    assert.equal(report.exitCode, 1);
    assert.equal(report.summary.audited, 1);
    const [req] = report.requests;
    assert.deepEqual(Object.keys(req), ['id', 'time', 'method', 'url', 'transport', 'origin', 'kind', 'verdict', 'findings']);
    const f = req.findings.find((x: { rule: string }) => x.rule === 'hasura/cli-command-flags');
    assert.deepEqual(Object.keys(f), ['rule', 'severity', 'message', 'location', 'fingerprint', 'evidence']);
    assert.deepEqual(f.location, { part: 'body', path: '$.command' });
    assert.match(f.evidence, /^\[redacted \d+ chars\]$/);
    assert.match(f.fingerprint, /^[0-9a-f]{32}$/);
  });

  for (const format of ['text', 'json', 'junit', 'sarif', 'markdown']) {
    it(`the ${format} report never prints what it found unless --show-evidence`, async () => {
      const run = await runCli(['audit', 'fixtures/hasura/leaky', '--format', format]);
      assert.equal(run.code, 1);
      for (const s of SECRETS) assert.ok(!run.stdout.includes(s), `${format} report leaks ${s}`);
      const shown = await runCli(['audit', 'fixtures/hasura/leaky', '--format', format, '--show-evidence']);
      assert.ok(SECRETS.filter((s) => s !== '_hasura_session').every((s) => shown.stdout.includes(s)));
    });
  }

  it('--quiet prints the summary only', async () => {
    const run = await runCli(['audit', 'fixtures/hasura', '--quiet']);
    assert.equal(run.code, 1);
    assert.ok(!run.stdout.includes('cli-command-flags.ndjson'));
    assert.match(run.stdout, /^Requests: \d+/m);
  });
});
