/**
 * The terminal UI is imported lazily: `audit`, and `inspect` when it falls back to the text
 * report, never load React or Ink. Every module the CLI process resolves is recorded by a
 * resolve hook; the control run proves the hook would see them if they were loaded.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { CLI, REPO_ROOT } from '../helpers/paths.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ta-lazy-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const recorder = path.join(REPO_ROOT, 'dist', 'test', 'helpers', 'record-loads.js');
const UI = /\/node_modules\/(react|ink|react-reconciler|yoga-layout)\//;

function loads(name: string, args: string[]): { code: number | null; urls: string[] } {
  const log = path.join(dir, `${name}.log`);
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(recorder).href, ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: dir, TA_LOAD_LOG: log, NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.error, undefined);
  return { code: r.status, urls: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

describe('the TUI is loaded only when it is shown', () => {
  it('control: importing the inspector loads React and Ink, and the hook sees it', () => {
    const entry = pathToFileURL(path.join(REPO_ROOT, 'dist', 'src', 'tui', 'run-inspector.js')).href;
    const { code, urls } = loads('control', ['--input-type=module', '-e', `await import(${JSON.stringify(entry)})`]);
    assert.equal(code, 0);
    assert.ok(urls.some((u) => /\/node_modules\/react\//.test(u)), 'react resolved');
    assert.ok(urls.some((u) => /\/node_modules\/ink\//.test(u)), 'ink resolved');
  });

  it('audit does not load React or Ink', () => {
    const { code, urls } = loads('audit', [CLI, 'audit', 'fixtures/hasura']);
    assert.equal(code, 1);
    assert.ok(urls.some((u) => u.endsWith('/dist/src/cli/commands/audit.js')), 'the recorder saw the audit command load');
    assert.deepEqual(urls.filter((u) => UI.test(u) || u.includes('/dist/src/tui/')), []);
  });

  it('inspect falling back to the text report does not load them either', () => {
    const { code, urls } = loads('inspect', [CLI, 'inspect', 'fixtures/hasura']);
    assert.equal(code, 1);
    assert.ok(urls.some((u) => u.endsWith('/dist/src/cli/commands/inspect.js')));
    assert.deepEqual(urls.filter((u) => UI.test(u) || u.includes('/dist/src/tui/')), []);
  });

  it('audit of one capture file against a built-in policy loads no YAML parser, fast-glob, metadata reader, ReDoS checker, baseline reader or unused report format (cold start)', () => {
    const { code, urls } = loads('audit-one', [CLI, 'audit', 'fixtures/hasura/leaky/cookie-header.ndjson']);
    assert.equal(code, 1);
    assert.ok(urls.some((u) => u.endsWith('/dist/src/cli/commands/audit.js')));
    assert.deepEqual(urls.filter((u) => /\/node_modules\/(yaml|fast-glob)\//.test(u) || u.includes('/dist/src/hasura-metadata/')), []);
    // Only the report format asked for is loaded (text here), and no ReDoS checker: built-in policies are not checked at start.
    assert.deepEqual(urls.filter((u) => /\/dist\/src\/report\/(json|junit|sarif|markdown|html)-report\.js$/.test(u) || /\/node_modules\/redos-detector\//.test(u)), []);
    // No baseline given: the baseline modules (and their file schemas) are not loaded.
    assert.deepEqual(urls.filter((u) => /\/dist\/src\/baseline\/(finding-baseline|shape|shape-check|parse-json-file)\.js$/.test(u)), []);
    // Policies run compiled to plain validators: no schema library, no pattern-safety checker.
    assert.deepEqual(urls.filter((u) => /\/node_modules\/(zod|redos-detector)\//.test(u)), []);
    const json = loads('audit-one-json', [CLI, 'audit', 'fixtures/hasura/leaky/cookie-header.ndjson', '--format', 'json']);
    assert.equal(json.code, 1);
    assert.ok(json.urls.some((u) => u.endsWith('/dist/src/report/json-report.js')), 'the control: the hook sees a report module load');
    assert.deepEqual(json.urls.filter((u) => /\/dist\/src\/report\/(junit|sarif|markdown|html)-report\.js$/.test(u)), []);
    // The control: a pattern input does load fast-glob, and the hook sees it.
    const glob = loads('audit-glob', [CLI, 'audit', 'fixtures/hasura/leaky/*.ndjson']);
    assert.ok(glob.urls.some((u) => /\/node_modules\/fast-glob\//.test(u)));
    // The control: a policy file is validated by the zod schema of policy files, which then loads.
    const file = loads('audit-policy-file', [CLI, 'audit', '--policy', 'fixtures/generic-tool/skyforge.policy.yaml', 'fixtures/hasura/leaky/cookie-header.ndjson']);
    assert.ok(file.urls.some((u) => /\/node_modules\/zod\//.test(u)));
    // The control for the YAML parser (required as CommonJS): a YAML policy file loads it, and the recorder sees it.
    assert.ok(file.urls.some((u) => /\/node_modules\/yaml\//.test(u)));
  });
});
