import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from '../helpers/run-cli.js';

describe('preview --metadata', () => {
  it('prints the would-be payload per source, says what it cannot tell, and fails on the connector name', async () => {
    const run = await runCli(['preview', '--metadata', 'fixtures/hasura-metadata', '--no-local-identity']);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /source default: POST https:\/\/telemetry\.hasura\.io\/v1\/http/);
    assert.match(run.stdout, /"tables": 6,/);
    assert.match(run.stdout, /"db_kind": "acme_sales_warehouse"/);
    assert.match(run.stdout, /cannot tell: views: metadata lists views and tables alike/);
    assert.match(run.stdout, /hasura\/db-kind-name .*\[metadata:connector\]/);
    assert.match(run.stdout, /Requests: 3 \(3 audited/);
  });

  it('writes a JSON report with --format json', async () => {
    const run = await runCli(['preview', '--metadata', 'fixtures/hasura-metadata', '--no-local-identity', '--format', 'json']);
    assert.equal(run.code, 1);
    const report = JSON.parse(run.stdout) as { requests: Array<{ kind: string }>; exitCode: number };
    assert.deepEqual(report.requests.map((r) => r.kind), ['server-v2', 'server-v2', 'server-v2']);
    assert.equal(report.exitCode, 1);
  });

  it('exits 2 without --metadata, with a bad directory or a bad version', async () => {
    assert.equal((await runCli(['preview'])).code, 2);
    const bad = await runCli(['preview', '--metadata', 'fixtures/nope']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /not a directory/);
    assert.equal((await runCli(['preview', '--metadata', 'fixtures/hasura-metadata', '--hasura-version', '2.36'])).code, 2);
  });
});
