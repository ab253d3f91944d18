import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../helpers/run-cli.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'ta-exit-'));

describe('exit code 2: usage, input, policy, nothing audited', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['no input', ['audit'], /no input given/],
    ['missing file', ['audit', 'fixtures/hasura/nope.json'], /no such file/],
    ['unknown option', ['audit', 'fixtures/hasura', '--no-such-flag'], /Unknown option '--no-such-flag'/],
    ['bad --format', ['audit', 'fixtures/hasura', '--format', 'xml'], /--format must be one of/],
    ['bad --max-warnings', ['audit', 'fixtures/hasura', '--max-warnings', 'many'], /--max-warnings needs an integer/],
    ['unknown policy', ['audit', 'fixtures/hasura', '--policy', 'nosuch'], /unknown policy "nosuch"/],
    ['unknown command', ['frobnicate'], /unknown command "frobnicate"/],
  ];
  for (const [name, args, message] of cases) {
    it(name, async () => {
      const run = await runCli(args);
      assert.equal(run.code, 2, run.stdout + run.stderr);
      assert.match(run.stderr, message);
    });
  }

  it('an audit of only loopback traffic audited nothing and does not pass', async () => {
    const dir = tmp();
    const line = JSON.stringify({ method: 'POST', url: 'http://127.0.0.1:8080/v1/graphql', transport: 'http', headers: [], body: '{"query":"{ a }"}' });
    writeFileSync(path.join(dir, 'local.ndjson'), line + '\n');
    const run = await runCli(['audit', path.join(dir, 'local.ndjson')]);
    assert.equal(run.code, 2);
    assert.match(run.stdout, /No request was audited/);
  });

  it('a policy file that is not valid names the file and the path inside it', async () => {
    const dir = tmp();
    const file = path.join(dir, 'p.yaml');
    writeFileSync(file, 'name: mytool\ntitle: t\ndestinations: []\nkinds: []\n');
    const run = await runCli(['audit', 'fixtures/hasura/wire', '--policy', file]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /p\.yaml: invalid policy/);
    assert.match(run.stderr, /destinations: /);
  });
});

describe('exit codes 0 and 1', () => {
  it('0 for a conforming capture from stdin', async () => {
    const run = await runCli(['audit', '-'], { input: '{"topic":"cli","data":{"uuid":"e462ce20-42dd-40fd-9549-edfb92f80455","server_uuid":"","execution_id":"ddfa9c33-0693-457d-9026-c7f456c43322","os_platform":"darwin","os_arch":"arm64","version":"v2.36.0","server_version":"","command":"hasura init","is_error":false,"payload":null}}' });
    assert.equal(run.code, 0, run.stdout);
  });
  it('1 for a leak', async () => {
    const run = await runCli(['audit', 'fixtures/hasura/leaky/cli-command-flags.ndjson', '-q']);
    assert.equal(run.code, 1);
  });
});
