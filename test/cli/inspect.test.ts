/**
 * `inspect` through the built CLI where no terminal UI can be shown (these tests have no
 * terminal): the text report of `audit` with its exit code, and its usage errors.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { serializeCaptureLine } from '../../src/capture/capture-record.js';
import { runCli } from '../helpers/run-cli.js';
import { FIXTURES } from '../helpers/paths.js';
import { cliFlat, httpRequest } from '../helpers/requests.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ta-inspect-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('inspect without a terminal', () => {
  for (const input of ['fixtures/hasura', 'fixtures/hasura/wire', 'fixtures/hasura/samples/cli.json']) {
    it(`prints exactly the text report and exit code of audit: ${input}`, async () => {
      const [inspect, audit] = await Promise.all([runCli(['inspect', input]), runCli(['audit', input])]);
      assert.equal(inspect.code, audit.code);
      assert.equal(inspect.stdout, audit.stdout);
      assert.ok(audit.stdout.includes('Verdict: '));
      assert.match(inspect.stderr, /standard output is not a terminal: printing the text report instead/);
    });
  }

  it('passes report options through (--format json)', async () => {
    const run = await runCli(['inspect', 'fixtures/hasura/leaky/cookie-header.ndjson', '--format', 'json']);
    assert.equal(run.code, 1);
    assert.equal(JSON.parse(run.stdout).exitCode, 1);
  });

  it('with --follow, audits the file as it is now and says it does not follow', async () => {
    const file = path.join(dir, 'live.ndjson');
    writeFileSync(file, serializeCaptureLine(httpRequest(cliFlat())));
    appendFileSync(file, serializeCaptureLine(httpRequest(cliFlat({ command: 'hasura migrate apply --admin-secret' }))));
    const run = await runCli(['inspect', '--follow', file]);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /Requests: 2 \(2 audited, 0 skipped\)/);
    assert.match(run.stderr, /auditing .*live\.ndjson as it is now \(not following\)/);
  });

  it('falls back too when CI is set, even with a terminal (checked without one here: the decision is the same)', async () => {
    const run = await runCli(['inspect', 'fixtures/hasura/wire'], { env: { CI: 'true' } });
    assert.equal(run.code, 0);
    assert.match(run.stdout, /Verdict: PASS/);
  });
});

describe('inspect usage errors (exit 2)', () => {
  it('needs inputs or --follow, not both, not neither', async () => {
    const none = await runCli(['inspect']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no input given/);
    const both = await runCli(['inspect', '--follow', 'a.ndjson', 'fixtures/hasura']);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /either --follow FILE or inputs/);
  });

  it('is listed in the main help', async () => {
    const run = await runCli(['--help']);
    assert.match(run.stdout, /inspect\s+inspect captures in a terminal UI/);
    const help = await runCli(['inspect', '--help']);
    assert.match(help.stdout, /-f, --follow FILE/);
  });
});

describe('inspect -- <command> without a terminal', () => {
  it('runs the command as `run` does and prints its text report, with the same exit code', async () => {
    const emitter = path.join(FIXTURES, 'emitters', 'hasura-cli.mjs');
    const r = await runCli(['inspect', '--no-local-identity', '--', process.execPath, emitter, 'migrate', 'apply', '--admin-secret', 'x'], {
      env: { EMITTER_VARIANT: 'flags' },
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /running the command as `run` does/);
    assert.match(r.stdout, /hasura\/cli-command-flags/);
    assert.match(r.stdout, /Verdict: FAIL \(exit 1\)/);
  });

  it('refuses inputs and a command together', async () => {
    const r = await runCli(['inspect', 'fixtures/hasura', '--', 'true']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not several/);
  });
});
