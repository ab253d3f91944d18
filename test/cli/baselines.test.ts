/**
 * Baselines and drift through the built CLI: approved findings that stop failing a run while a
 * new leak still fails it, a shape baseline that catches a field the payload grew, and `diff`
 * between the v1 and v2 Hasura server captures.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { assertGolden } from '../helpers/golden.js';
import { FIXTURES } from '../helpers/paths.js';
import { normaliseVersion } from '../helpers/reports.js';
import { runCli } from '../helpers/run-cli.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'ta-base-'));
const fixture = (f: string) => path.join(FIXTURES, 'hasura', f);

interface Report {
  requests: Array<{ origin: { file: string }; verdict: string; findings: Array<{ rule: string; severity: string; approved?: boolean; location: { path?: string } }> }>;
  summary: { errors: number; warnings: number; approved: number };
  exitCode: number;
}
const report = (stdout: string) => JSON.parse(stdout) as Report;

describe('findings baseline (--baseline, --update-baseline)', () => {
  it('approves the current findings, then fails on a new leak only', async () => {
    const dir = tmp();
    const captures = path.join(dir, 'captures');
    mkdirSync(captures);
    copyFileSync(fixture('leaky/cli-command-flags.ndjson'), path.join(captures, 'cli.ndjson'));
    copyFileSync(fixture('wire/server-v2.ndjson'), path.join(captures, 'server.ndjson'));
    const baseline = path.join(dir, 'telemetry-baseline.json');

    const before = await runCli(['audit', captures, '--format', 'json']);
    assert.equal(before.code, 1);
    const found = report(before.stdout).summary;

    const update = await runCli(['audit', captures, '--baseline', baseline, '--update-baseline', '-q']);
    assert.equal(update.code, 0, update.stdout + update.stderr);
    assert.match(update.stderr, /wrote \d+ approved findings/);

    const approved = await runCli(['audit', captures, '--baseline', baseline, '--format', 'json']);
    assert.equal(approved.code, 0, approved.stderr);
    const r = report(approved.stdout);
    assert.deepEqual(r.summary.errors + r.summary.warnings, 0);
    assert.equal(r.summary.approved, found.errors + found.warnings);
    assert.ok(r.requests.every((q) => q.verdict === 'pass' && q.findings.every((f) => f.approved === true)));

    // Re-captured: other times, ids and line numbers; still approved.
    const lines = readFileSync(path.join(captures, 'cli.ndjson'), 'utf8').trim().split('\n').map((l) => ({ ...JSON.parse(l), time: '2030-01-01T00:00:00.000Z', id: 'other' }));
    writeFileSync(path.join(captures, 'cli.ndjson'), '\n\n' + lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    assert.equal((await runCli(['audit', captures, '--baseline', baseline, '-q'])).code, 0);

    // A new leak: not in the baseline, so the run fails on it and on nothing else.
    copyFileSync(fixture('leaky/cookie-header.ndjson'), path.join(captures, 'new-leak.ndjson'));
    const leak = await runCli(['audit', captures, '--baseline', baseline, '--format', 'json']);
    assert.equal(leak.code, 1);
    const open = report(leak.stdout).requests.flatMap((q) => q.findings.filter((f) => !f.approved && f.severity === 'error').map((f) => `${path.basename(q.origin.file)} ${f.rule}`));
    assert.deepEqual(open, ['new-leak.ndjson request/forbidden-header']);
  });

  it('writes the same bytes for the same findings, sorted, one entry a line, with no evidence', async () => {
    const dir = tmp();
    const [a, b] = [path.join(dir, 'a.json'), path.join(dir, 'b.json')];
    await runCli(['audit', 'fixtures/hasura/leaky', '--baseline', a, '--update-baseline', '-q']);
    await runCli(['audit', 'fixtures/hasura/leaky', '--baseline', b, '--update-baseline', '-q', '--show-evidence']);
    const text = readFileSync(a, 'utf8');
    assert.equal(readFileSync(b, 'utf8'), text);
    const parsed = JSON.parse(text) as { findings: Array<{ rule: string; fingerprint: string }> };
    assert.ok(parsed.findings.length > 10);
    const lines = text.split('\n').filter((l) => l.includes('"fingerprint"'));
    assert.equal(lines.length, parsed.findings.length, 'one entry a line');
    const rules = parsed.findings.map((f) => f.rule);
    assert.deepEqual(rules, [...rules].sort());
    for (const secret of ['inventory_prod', 'top_loyal_customers', 'jane.doe@acme-corp.example', 'acme_sales_warehouse', '--admin-secret', '_hasura_session']) {
      assert.ok(!text.includes(secret), `baseline leaks ${secret}`);
    }
  });

  it('says which approvals no longer occur', async () => {
    const dir = tmp();
    const baseline = path.join(dir, 'b.json');
    await runCli(['audit', 'fixtures/hasura/leaky/cli-command-flags.ndjson', 'fixtures/hasura/leaky/cookie-header.ndjson', '--baseline', baseline, '--update-baseline', '-q']);
    const run = await runCli(['audit', 'fixtures/hasura/leaky/cli-command-flags.ndjson', '--baseline', baseline, '-q']);
    assert.equal(run.code, 0);
    assert.match(run.stderr, /\d+ approved findings? no longer occurs? \(--update-baseline prunes them\)/);
  });

  it('fails closed: missing or malformed baseline, --update-baseline alone, nothing audited', async () => {
    const dir = tmp();
    const missing = await runCli(['audit', 'fixtures/hasura/leaky', '--baseline', path.join(dir, 'nope.json')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /baseline .*nope\.json: cannot read \(ENOENT\)/);
    writeFileSync(path.join(dir, 'bad.json'), '{"findings": []}');
    const bad = await runCli(['audit', 'fixtures/hasura/leaky', '--baseline', path.join(dir, 'bad.json')]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /not a findings baseline/);
    const alone = await runCli(['audit', 'fixtures/hasura/leaky', '--update-baseline']);
    assert.equal(alone.code, 2);
    assert.match(alone.stderr, /--update-baseline needs --baseline FILE/);
    writeFileSync(path.join(dir, 'local.ndjson'), JSON.stringify({ method: 'POST', url: 'http://127.0.0.1:1/x', transport: 'http', headers: [], body: '{}' }) + '\n');
    const empty = await runCli(['audit', path.join(dir, 'local.ndjson'), '--baseline', path.join(dir, 'new.json'), '--update-baseline']);
    assert.equal(empty.code, 2);
    assert.ok(!existsSync(path.join(dir, 'new.json')), 'an audit of nothing writes no baseline');
  });
});

describe('shape baseline (shape, --shape-baseline)', () => {
  it('records a sorted, stable shape and catches a field the payload grew', async () => {
    const dir = tmp();
    // The "old release": the v2 server payload before it sent experimental_features.
    const [line] = readFileSync(fixture('wire/server-v2.ndjson'), 'utf8').split('\n').slice(1, 2);
    const record = JSON.parse(line!);
    const body = JSON.parse(record.body);
    delete body.data.experimental_features;
    writeFileSync(path.join(dir, 'old.ndjson'), JSON.stringify({ ...record, body: JSON.stringify(body) }) + '\n');

    const shape = await runCli(['shape', path.join(dir, 'old.ndjson')]);
    assert.equal(shape.code, 0, shape.stderr);
    assert.equal((await runCli(['shape', path.join(dir, 'old.ndjson')])).stdout, shape.stdout, 'stable');
    const parsed = JSON.parse(shape.stdout);
    assert.deepEqual(Object.keys(parsed.kinds), ['server-v2']);
    const paths = Object.keys(parsed.kinds['server-v2'].fields);
    assert.deepEqual(paths, [...paths].sort());
    assert.ok(!paths.includes('$.data.experimental_features'));
    assert.ok(!shape.stdout.includes('6513270e'), 'no values in a shape');
    const shapeFile = path.join(dir, 'shape.json');
    writeFileSync(shapeFile, shape.stdout);

    const same = await runCli(['audit', path.join(dir, 'old.ndjson'), '--shape-baseline', shapeFile, '--format', 'json']);
    assert.equal(same.code, 0, same.stdout);

    writeFileSync(path.join(dir, 'new.ndjson'), line + '\n');
    const grown = await runCli(['audit', path.join(dir, 'new.ndjson'), '--shape-baseline', shapeFile, '--format', 'json']);
    assert.equal(grown.code, 1);
    const errors = report(grown.stdout).requests.flatMap((q) => q.findings.filter((f) => f.severity === 'error').map((f) => `${f.rule} ${f.location.path}`));
    assert.deepEqual(errors, ['shape/new-field $.data.experimental_features']);
  });

  it('a kind the shape baseline never saw fails; a bad shape file, or nothing to record, is exit 2', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'shape.json'), (await runCli(['shape', 'fixtures/hasura/wire/server-v1.ndjson'])).stdout);
    const kind = await runCli(['audit', 'fixtures/hasura/wire/server-v2-dev-build.ndjson', '--shape-baseline', path.join(dir, 'shape.json'), '--format', 'json']);
    assert.equal(kind.code, 1);
    assert.deepEqual([...new Set(report(kind.stdout).requests.flatMap((q) => q.findings.filter((f) => f.severity === 'error').map((f) => f.rule)))], ['shape/new-kind']);
    writeFileSync(path.join(dir, 'bad.json'), '{"shapeVersion": 1}');
    const bad = await runCli(['audit', 'fixtures/hasura/wire', '--shape-baseline', path.join(dir, 'bad.json')]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /not a shape file/);
    const none = await runCli(['shape', 'fixtures/hasura/samples/ee-usage-metrics.malformed.json']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no payload to record/);
  });
});

describe('diff between releases', () => {
  const V1 = 'fixtures/hasura/wire/server-v1.ndjson';
  const V2 = 'fixtures/hasura/wire/server-v2.ndjson';

  it('lists the fields the v2 server payload added, removed and retyped, and its new findings', async () => {
    const run = await runCli(['diff', V1, V2, '--format', 'json']);
    assert.equal(run.code, 1, run.stderr);
    const d = JSON.parse(run.stdout);
    const v2 = d.kinds.find((k: { kind: string }) => k.kind === 'server-v2');
    assert.equal(v2.previousKind, 'server-v1');
    const added = v2.added.map((f: { path: string }) => f.path);
    for (const p of ['$.data.hasura_version', '$.data.metadata_db_uid', '$.data.source_metadata', '$.data.metrics.service_timings', '$.data.experimental_features']) assert.ok(added.includes(p), p);
    assert.deepEqual(v2.removed.map((f: { path: string }) => f.path), ['$.data.db_uid', '$.data.version']);
    assert.deepEqual(v2.changed, [
      { path: '$.data.ci', old: ['null'], new: ['null', 'string'] },
      { path: '$.data.metrics.remote_schemas', old: ['number'], new: ['null', 'number'] },
    ]);
    assert.equal(d.kinds.find((k: { kind: string }) => k.kind === 'server-resources').status, 'added');
    assert.ok(d.newFindings.some((f: { rule: string; kind: string }) => f.rule === 'payload/undocumented-kind' && f.kind === 'server-resources'));
    assert.equal(d.grew, true);
  });

  for (const [format, golden] of [['text', 'diff-server.txt'], ['json', 'diff-server.json'], ['markdown', 'diff-server.md']] as const) {
    it(`--format ${format} matches test/golden/${golden}`, async () => {
      const run = await runCli(['diff', V1, V2, '--format', format]);
      assert.equal(run.code, 1);
      assertGolden(golden, normaliseVersion(run.stdout));
    });
  }

  it('no drift between a capture and itself; removals alone do not fail; a side with nothing audited is exit 2', async () => {
    const same = await runCli(['diff', V2, V2]);
    assert.equal(same.code, 0);
    assert.match(same.stdout, /Drift: none \(exit 0\)/);
    const dir = tmp();
    // The same release sending less: two of its requests, one without experimental_features.
    const [resources, metrics] = readFileSync(V2, 'utf8').split('\n') as [string, string];
    const record = JSON.parse(metrics);
    const body = JSON.parse(record.body);
    delete body.data.experimental_features;
    writeFileSync(path.join(dir, 'less.ndjson'), [resources, JSON.stringify({ ...record, body: JSON.stringify(body) })].join('\n') + '\n');
    const shrink = await runCli(['diff', V2, path.join(dir, 'less.ndjson'), '--format', 'json']);
    const d = JSON.parse(shrink.stdout);
    assert.deepEqual([d.grew, d.changed, shrink.code], [false, true, 0], shrink.stdout);
    assert.deepEqual(d.kinds.find((k: { kind: string }) => k.kind === 'server-v2').removed.map((f: { path: string }) => f.path), ['$.data.experimental_features', '$.data.experimental_features[]']);
    writeFileSync(path.join(dir, 'local.ndjson'), JSON.stringify({ method: 'POST', url: 'http://127.0.0.1:1/x', transport: 'http', headers: [], body: '{}' }) + '\n');
    const empty = await runCli(['diff', V1, path.join(dir, 'local.ndjson')]);
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /NEW .*no request was audited/);
    assert.equal((await runCli(['diff', V1])).code, 2);
  });
});
