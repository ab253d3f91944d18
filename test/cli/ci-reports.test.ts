/**
 * The CI report formats through the built CLI: golden files for each, the SARIF of the leaky
 * corpus against the published SARIF 2.1.0 schema, JUnit that parses and fails exactly the
 * leaky requests, and --output with formats from file names and the GitHub job summary.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ENGINE_RULES } from '../../src/engine/rules.js';
import { DEFAULT_DETECTORS } from '../../src/detectors/default-detectors.js';
import { BASELINE_RULES } from '../../src/baseline/rules.js';
import { hasuraPolicy } from '../../src/policy/packs/hasura/index.js';
import { TERM_RULES } from '../../src/terms/sensitive-term.js';
import { assertGolden } from '../helpers/golden.js';
import { CLI_EVENT } from '../helpers/requests.js';
import { normaliseVersion, validateSarif } from '../helpers/reports.js';
import { githubSarifProblems } from '../helpers/github-sarif.js';
import { ruleAnchor } from '../../src/report/rule-docs.js';
import { SARIF_MAX_RELATED } from '../../src/report/sarif-report.js';
import { runCli } from '../helpers/run-cli.js';
import { findAll, parseXml, XmlError } from '../helpers/xml.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'ta-ci-'));

/** A small corpus that exercises each report: NDJSON, HAR with a skipped entry and a WebSocket frame, warnings, a duplicate key. */
const GOLDEN_INPUTS = [
  'fixtures/hasura/leaky/cli-command-flags.ndjson',
  'fixtures/hasura/leaky/duplicate-key.ndjson',
  'fixtures/hasura/leaky/email-in-error-message.har',
  'fixtures/hasura/wire/server-v2.ndjson',
];

const GOLDEN_FILES = { text: 'audit.txt', json: 'audit.json', junit: 'audit.junit.xml', sarif: 'audit.sarif', markdown: 'audit.md' } as const;

interface JsonReport {
  requests: Array<{ id: string; origin: { file?: string; line?: number; entry?: number; frame?: number }; verdict: string; findings: Array<{ rule: string; severity: string; fingerprint: string }> }>;
}

describe('report formats: golden files', () => {
  for (const [format, golden] of Object.entries(GOLDEN_FILES)) {
    it(`--format ${format} matches test/golden/${golden}`, async () => {
      // Local identity differs per machine (and shows in the report's notes): goldens leave it out.
      const run = await runCli(['audit', ...GOLDEN_INPUTS, '--no-local-identity', '--format', format]);
      assert.equal(run.code, 1, run.stderr);
      assertGolden(golden, normaliseVersion(run.stdout));
    });
  }
});

describe('SARIF', () => {
  it('the SARIF of the leaky corpus validates against the SARIF 2.1.0 schema and carries every finding', async () => {
    const sarifRun = await runCli(['audit', 'fixtures/hasura/leaky', '--format', 'sarif']);
    assert.equal(sarifRun.code, 1, sarifRun.stderr);
    const sarif = JSON.parse(sarifRun.stdout);
    const { valid, errors } = validateSarif(sarif);
    assert.ok(valid, errors);
    assert.equal(sarif.version, '2.1.0');
    assert.match(sarif.$schema, /sarif-schema-2\.1\.0\.json$/);

    const json = JSON.parse((await runCli(['audit', 'fixtures/hasura/leaky', '--format', 'json'])).stdout) as JsonReport;
    const findings = json.requests.flatMap((r) => r.findings);
    assert.deepEqual(githubSarifProblems(sarif), []);
    const results = sarif.runs[0].results as Array<{ ruleId: string; ruleIndex: number; level: string; partialFingerprints: Record<string, string>; occurrenceCount?: number; relatedLocations?: unknown[] }>;
    // One result per distinct finding, in order of first occurrence, counting every occurrence.
    const distinct = [...new Map(findings.map((f) => [f.fingerprint, f])).values()];
    assert.deepEqual(
      results.map((r) => `${r.ruleId} ${r.level} ${r.partialFingerprints['findingFingerprint/v1']}`),
      distinct.map((f) => `${f.rule} ${f.severity} ${f.fingerprint}`),
    );
    assert.equal(
      results.reduce((n, r) => n + (r.occurrenceCount ?? 1), 0),
      findings.length,
    );
    for (const r of results) assert.equal(r.relatedLocations?.length ?? 0, Math.min(SARIF_MAX_RELATED, (r.occurrenceCount ?? 1) - 1));

    const rules = sarif.runs[0].tool.driver.rules as Array<{ id: string; shortDescription: { text: string }; fullDescription: { text: string }; help: { text: string }; properties: Record<string, unknown> }>;
    const ids = rules.map((r) => r.id);
    const catalogue = [...ENGINE_RULES, ...DEFAULT_DETECTORS, ...Object.values(TERM_RULES), ...BASELINE_RULES, ...(hasuraPolicy.rules ?? [])].map((r) => r.id);
    assert.deepEqual([...ids].sort(), [...new Set(catalogue)].sort());
    for (const r of results) assert.equal(rules[r.ruleIndex]!.id, r.ruleId);
    for (const rule of rules) {
      assert.ok(rule.shortDescription.text && rule.fullDescription.text && rule.help.text, rule.id);
      assert.equal((rule as { helpUri?: string }).helpUri, `https://github.com/telemetry-audit/telemetry-audit/blob/main/docs/rules.md#${ruleAnchor(rule.id)}`);
    }
    // Every detector and term rule reports data leaving the machine.
    const leakIds = new Set([
      ...[...ENGINE_RULES, ...(hasuraPolicy.rules ?? []), ...Object.values(TERM_RULES)].filter((r) => r.leak).map((r) => r.id),
      ...DEFAULT_DETECTORS.map((d) => d.id),
    ]);
    assert.ok(leakIds.has('request/forbidden-header'));
    for (const rule of rules) {
      if (leakIds.has(rule.id)) assert.match(String(rule.properties['security-severity']), /^\d+\.\d$/, rule.id);
      else assert.equal(rule.properties['security-severity'], undefined, rule.id);
    }
    const driver = sarif.runs[0].tool.driver;
    assert.equal(driver.name, 'telemetry-audit');
    assert.match(driver.semanticVersion, /^\d+\.\d+\.\d+/);
  });

  it('points results at the capture file: the NDJSON line, the file line of a bare JSON payload, the HAR entry', async () => {
    const run = await runCli(['audit', 'fixtures/hasura/wire/server-v2.ndjson', 'fixtures/hasura/samples/ee-usage-metrics.malformed.json', 'fixtures/hasura/leaky/email-in-error-message.har', '--format', 'sarif']);
    const results = JSON.parse(run.stdout).runs[0].results as Array<{
      ruleId: string;
      locations: Array<{ physicalLocation?: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number } }; logicalLocations?: Array<{ name: string }> }>;
      properties: { requestId: string };
    }>;
    // A result's location is its first occurrence: the request named by its id, file and line.
    const ndjson = results.filter((r) => /\.ndjson:\d+$/.test(r.properties.requestId));
    assert.ok(ndjson.length > 0);
    for (const r of ndjson) {
      const [, file, line] = /^(.*):(\d+)$/.exec(r.properties.requestId)!;
      assert.deepEqual(r.locations[0]!.physicalLocation, { artifactLocation: { uri: file, uriBaseId: '%SRCROOT%' }, region: { startLine: Number(line) } });
    }
    const invalid = results.find((r) => r.ruleId === 'body/invalid-json')!;
    const text = readFileSync('fixtures/hasura/samples/ee-usage-metrics.malformed.json', 'utf8');
    const line = invalid.locations[0]!.physicalLocation!.region.startLine;
    assert.ok(line > 1 && line <= text.split('\n').length, `line ${line}`);
    const email = results.find((r) => r.ruleId === 'pii/email')!;
    assert.equal(email.locations[0]!.physicalLocation!.artifactLocation.uri, 'fixtures/hasura/leaky/email-in-error-message.har');
    assert.deepEqual(email.locations[0]!.logicalLocations?.map((l) => l.name), ['entry 2 frame 1']);
  });

  it('the validator rejects what is not SARIF 2.1.0 (so a pass above means something)', () => {
    assert.equal(validateSarif({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, level: 'fatal' }] }] }).valid, false);
    assert.equal(validateSarif({ version: '2.0.0', runs: [] }).valid, false);
    assert.equal(validateSarif({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [] }] }).valid, true);
  });
});

describe('JUnit', () => {
  it('parses as XML and has one failing test case per leaky request', async () => {
    const run = await runCli(['audit', 'fixtures/hasura/leaky', '--format', 'junit']);
    assert.equal(run.code, 1, run.stderr);
    const root = parseXml(run.stdout);
    assert.equal(root.name, 'testsuites');
    const cases = findAll(root, 'testcase');
    const keys = cases.map((c) => `${c.attrs.classname}\u0000${c.attrs.name}`);
    assert.equal(new Set(keys).size, keys.length, 'classname + name must be unique');

    const json = JSON.parse((await runCli(['audit', 'fixtures/hasura/leaky', '--format', 'json'])).stdout) as JsonReport;
    assert.equal(cases.length, json.requests.length);
    const failing = cases.filter((c) => c.children.some((ch) => ch.name === 'failure'));
    const leaky = json.requests.filter((r) => r.verdict === 'fail');
    assert.equal(failing.length, leaky.length);
    // Every leaky fixture file has at least one failing case, in a suite named for the file.
    const suites = findAll(root, 'testsuite').filter((s) => findAll(s, 'failure').length > 0).map((s) => s.attrs.name);
    assert.deepEqual(new Set(suites), new Set(leaky.map((r) => r.origin.file)));
    for (const c of failing) {
      const failure = c.children.find((ch) => ch.name === 'failure')!;
      assert.match(failure.attrs.type!, /^[a-z0-9-]+(\/[a-z0-9-]+)+$/);
      assert.ok(failure.text.includes(failure.attrs.type!));
    }
    assert.equal(Number(root.attrs.failures), leaky.length);
    assert.equal(Number(root.attrs.tests), json.requests.length);
    assert.equal(findAll(root, 'skipped').length, json.requests.filter((r) => r.verdict === 'skipped').length);
  });

  it('escapes markup and drops characters XML cannot carry, even in revealed evidence', async () => {
    const dir = tmp();
    const body = JSON.stringify({ topic: 'cli', data: { ...CLI_EVENT, 'x<&>"\'': 1, os_platform: 'a\u0001b<c&d>"\'\uFFFE\uD800e]]>' } });
    const line = JSON.stringify({ method: 'POST', url: 'https://telemetry.hasura.io/v1/http', transport: 'http', headers: [['content-type', 'application/json']], body });
    writeFileSync(path.join(dir, 'odd.ndjson'), line + '\n');
    const run = await runCli(['audit', path.join(dir, 'odd.ndjson'), '--format', 'junit', '--show-evidence']);
    assert.equal(run.code, 1);
    const root = parseXml(run.stdout);
    const failure = findAll(root, 'failure')[0]!;
    assert.ok(failure.text.includes('evidence: ab<c&d>"\'e]]>'), failure.text);
    assert.ok(failure.text.includes('x<&>"\''), failure.text);
    assert.ok(!/[\u0001\uFFFE]/.test(run.stdout));
  });

  it('a run that audits nothing fails in JUnit too', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'local.ndjson'), JSON.stringify({ method: 'POST', url: 'http://127.0.0.1:8080/v1/graphql', transport: 'http', headers: [], body: '{}' }) + '\n');
    const run = await runCli(['audit', path.join(dir, 'local.ndjson'), '--format', 'junit']);
    assert.equal(run.code, 2);
    const root = parseXml(run.stdout);
    assert.equal(findAll(root, 'failure').length, 1);
    assert.match(findAll(root, 'failure')[0]!.attrs.message!, /no request was audited/);
  });

  it('the XML checker itself rejects malformed XML', () => {
    for (const bad of ['<a><b></a></b>', '<a x="1" x="2"/>', '<a>&nbsp;</a>', '<a>1 < 2</a>', '<a/><b/>', '<a x=1/>', '<a>\u0001</a>', '<a>']) {
      assert.throws(() => parseXml(bad), XmlError, bad);
    }
    assert.equal(parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<a x="&lt;&#10;"><b>&amp;</b></a>\n').attrs.x, '<\n');
  });
});

describe('--output', () => {
  it('writes each file in the format its extension names, and the verdict to stdout', async () => {
    const dir = tmp();
    const files = ['r.sarif', 'r.junit.xml', 'r.md', 'r.json', 'r.sarif.json'].map((f) => path.join(dir, f));
    const run = await runCli(['audit', 'fixtures/hasura/leaky/cli-command-flags.ndjson', ...files.flatMap((f) => ['--output', f])]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /Verdict: FAIL \(exit 1\)/);
    assert.ok(!run.stdout.includes('cli-command-flags.ndjson line 1'), 'stdout holds the summary only');
    const [sarif, junit, md, json, sarifJson] = files.map((f) => readFileSync(f, 'utf8')) as [string, string, string, string, string];
    assert.ok(validateSarif(JSON.parse(sarif)).valid);
    assert.ok(validateSarif(JSON.parse(sarifJson)).valid);
    assert.equal(parseXml(junit).name, 'testsuites');
    assert.match(md, /^### telemetry-audit: FAIL/);
    assert.equal(JSON.parse(json).schemaVersion, 1);
  });

  it('--format wins over the extension; an unknown extension is text', async () => {
    const dir = tmp();
    const run = await runCli(['audit', 'fixtures/hasura/leaky/cli-command-flags.ndjson', '--format', 'json', '-o', path.join(dir, 'report.txt'), '-o', path.join(dir, 'b.xml')]);
    assert.equal(run.code, 1);
    assert.equal(JSON.parse(readFileSync(path.join(dir, 'report.txt'), 'utf8')).exitCode, 1);
    assert.equal(JSON.parse(readFileSync(path.join(dir, 'b.xml'), 'utf8')).exitCode, 1);
    await runCli(['audit', 'fixtures/hasura/leaky/cli-command-flags.ndjson', '-o', path.join(dir, 'plain.out')]);
    assert.match(readFileSync(path.join(dir, 'plain.out'), 'utf8'), /^telemetry-audit .* · policy hasura/);
  });

  it('appends Markdown to $GITHUB_STEP_SUMMARY, whatever its name', async () => {
    const dir = tmp();
    const summary = path.join(dir, 'step_summary_1234');
    writeFileSync(summary, '## Earlier step output\n');
    const run = await runCli(['audit', 'fixtures/hasura/leaky/cli-command-flags.ndjson', '--output', summary], { env: { GITHUB_STEP_SUMMARY: summary } });
    assert.equal(run.code, 1);
    const text = readFileSync(summary, 'utf8');
    assert.ok(text.startsWith('## Earlier step output\n### telemetry-audit: FAIL'), text.slice(0, 200));
    assert.match(text, /\| `hasura\/cli-command-flags` \|/);
  });

  it('an unwritable or repeated --output is a usage error (exit 2) before anything is audited', async () => {
    const dir = tmp();
    const missing = await runCli(['audit', 'fixtures/hasura/leaky', '--output', path.join(dir, 'no', 'such', 'dir', 'r.sarif')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot write the report to .*r\.sarif: ENOENT/);
    const twice = await runCli(['audit', 'fixtures/hasura/leaky', '-o', path.join(dir, 'a.md'), '-o', path.join(dir, 'a.md')]);
    assert.equal(twice.code, 2);
    assert.match(twice.stderr, /given twice/);
  });
});
