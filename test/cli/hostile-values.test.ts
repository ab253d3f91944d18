/**
 * One hostile request cannot end the audit (issue 12): a ~6 MB alphanumeric value overflowed
 * the regex stack in decodeLayers and the JWT detector, and `audit` and `run` exited 2 with no
 * report for any request. Through the built CLI: every request is reported, the others keep
 * their own verdicts, and the exit code is the audit's.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { serializeCaptureLine } from '../../src/capture/capture-record.js';
import { cliEnveloped, httpRequest } from '../helpers/requests.js';
import { runCliJson } from '../helpers/run-cli.js';

interface Report {
  requests: Array<{ id: string; findings: Array<{ rule: string; severity: string }> }>;
  summary: { requests: number };
  exitCode: number;
}

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'ta-hostile-'));
/** Base64-alphabet text with upper case, so the decoder tries it as a blob, and "eyJ" for the JWT detector. */
const HUGE = 'eyJ' + 'aB3xZ9'.repeat(1_000_000);
const errors = (r: Report['requests'][number]) => [...new Set(r.findings.filter((f) => f.severity === 'error').map((f) => f.rule))].sort();
const UA: Array<[string, string]> = [['user-agent', 'Go-http-client/1.1']];

describe('a 6 MB value in one request', () => {
  it('audit: every request is audited and reported; the clean one passes, the leaky one fails', { timeout: 120_000 }, async () => {
    const file = path.join(tmp(), 'capture.ndjson');
    const requests = [
      httpRequest(cliEnveloped({ command: HUGE }), { id: 'huge', headers: UA }),
      httpRequest(cliEnveloped(), { id: 'clean', headers: UA }),
      httpRequest(cliEnveloped({ command: 'hasura version jane.doe@acme-corp.example' }), { id: 'leaky', headers: UA }),
    ];
    writeFileSync(file, requests.map(serializeCaptureLine).join(''));
    const { code, report } = await runCliJson<Report>(['audit', file, '--format', 'json', '--no-local-identity'], { timeoutMs: 110_000 });
    assert.equal(code, 1);
    // Ids name the capture line the request came from.
    assert.deepEqual(report.requests.map((r) => r.id.replace(/^.*:/, 'line ')), ['line 1', 'line 2', 'line 3']);
    const [huge, clean, leaky] = report.requests;
    assert.ok(errors(huge!).includes('hasura/cli-command-args'), JSON.stringify(errors(huge!)));
    assert.deepEqual(errors(clean!), []);
    assert.ok(errors(leaky!).includes('pii/email'));
  });

  it('run: both requests the target sends are audited and reported', { timeout: 150_000 }, async () => {
    const dir = tmp();
    const target = path.join(dir, 'sender.mjs');
    writeFileSync(
      target,
      `const bodies = ${JSON.stringify([cliEnveloped({ command: '@HUGE@' }), cliEnveloped()])};
for (const body of bodies) {
  const text = JSON.stringify(body).replace('@HUGE@', 'eyJ' + 'aB3xZ9'.repeat(1000000));
  const res = await fetch('https://telemetry.hasura.io/v1/http', { method: 'POST', body: text, headers: { 'user-agent': 'Go-http-client/1.1' } });
  await res.arrayBuffer();
}
`,
    );
    const { code, report } = await runCliJson<Report>(['run', '--format', 'json', '--no-trace', '--no-local-identity', '--', process.execPath, target], {
      timeoutMs: 140_000,
    });
    assert.equal(report.requests.length, 2, JSON.stringify(report.requests.map((r) => errors(r))));
    assert.equal(code, 1);
    assert.ok(errors(report.requests[0]!).includes('hasura/cli-command-args'));
    assert.deepEqual(errors(report.requests[1]!), []);
  });
});
