import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CliProcess } from '../helpers/live.js';
import { FIXTURES } from '../helpers/paths.js';

function exportsOf(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const m of text.matchAll(/^export (\w+)='((?:[^']|'\\'')*)'$/gm)) vars[m[1]!] = m[2]!.replace(/'\\''/g, "'");
  return vars;
}

describe('serve', () => {
  it('prints the environment and CA, captures what a target set up with it sends, audits on Ctrl-C', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ta-serve-'));
    const save = path.join(dir, 's.ndjson');
    const cli = new CliProcess(['serve', '--format', 'json', '--save', save]);
    await cli.waitFor('the environment', () => /Capturing until Ctrl-C/.test(cli.stderr));
    assert.match(cli.stderr, /proxy listening on http:\/\/127\.0\.0\.1:\d+ \(dry-run: nothing is forwarded\)/);
    const vars = exportsOf(cli.stderr);
    const caPath = /CA certificate: (\S+)/.exec(cli.stderr)![1]!;
    assert.equal(vars.NODE_EXTRA_CA_CERTS, caPath);
    assert.equal(vars.NO_PROXY, '');
    assert.match(vars.HTTPS_PROXY ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);

    // A target "elsewhere": another process that only has the printed variables.
    await new Promise<void>((resolve, reject) =>
      execFile('python3', [path.join(FIXTURES, 'emitters', 'graphql-engine.py'), 'serve'], { env: { PATH: process.env.PATH, HOME: dir, EMITTER_ONESHOT: '1', EMITTER_SOURCES: 'default:postgres,inv:dataconnector:acme_sqlite', ...vars }, timeout: 30_000 }, (err) =>
        err ? reject(err) : resolve(),
      ),
    );
    await cli.waitFor('three captures', () => existsSync(save) && readFileSync(save, 'utf8').trim().split('\n').length === 3);
    cli.child.kill('SIGINT');
    const code = await cli.exited;
    const report = JSON.parse(cli.stdout) as { exitCode: number; summary: { requests: number; rules: Record<string, unknown> } };
    assert.equal(code, 1);
    assert.equal(report.exitCode, 1);
    assert.equal(report.summary.requests, 3);
    assert.ok('hasura/db-kind-name' in report.summary.rules);
    assert.equal(existsSync(caPath), false, 'the CA is removed when serve stops');
  });

  it('with nothing captured, stopping is inconclusive (no tracer can vouch for the clients)', async () => {
    const cli = new CliProcess(['serve', '-q']);
    await cli.waitFor('the proxy', () => /Capturing until Ctrl-C/.test(cli.stderr));
    cli.child.kill('SIGTERM');
    assert.equal(await cli.exited, 3);
    assert.match(cli.stdout, /INCONCLUSIVE/);
  });
});
