/**
 * Project configuration through the built CLI: found from a subdirectory upwards, flags win,
 * the package.json key, errors located in the file, `init` writing a starter that audits,
 * the published JSON Schema equal to its generator, --rule overrides and typo suggestions.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import YAML from 'yaml';
import { toolConfigJsonSchema } from '../../src/config/tool-config-schema.js';
import { jsonSchemaValidator } from '../helpers/json-schema.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { runCli, runCliJson } from '../helpers/run-cli.js';
import { skyforgeProject } from '../helpers/skyforge-project.js';

interface Report {
  policy: { name: string };
  inputs: string[];
  notes: string[];
  summary: { requests: number; rules: Record<string, { severity: string; count: number }> };
  exitCode: number;
}

const YAML_CONFIG = { name: 'telemetry-audit.config.yaml', text: 'policy: skyforge.policy.yaml\ninputs: [captures/]\nno-local-identity: true\n' };

describe('config discovery', () => {
  it('a config two directories up gives the policy and the inputs, paths relative to the file', async () => {
    const dir = skyforgeProject(YAML_CONFIG);
    const { code, report } = await runCliJson<Report>(['audit', '--format', 'json'], { cwd: path.join(dir, 'sub', 'deeper') });
    assert.equal(code, 1);
    assert.equal(report.policy.name, 'skyforge');
    assert.deepEqual(report.inputs, ['../../captures']);
    assert.deepEqual(Object.keys(report.summary.rules), ['skyforge/command-args']);
    assert.ok(report.notes.includes('configuration: ../../telemetry-audit.config.yaml'), report.notes.join('\n'));
  });

  it('flags win over the file: --policy, inputs on the command line, --rule over rules', async () => {
    const dir = skyforgeProject({ name: 'telemetry-audit.config.yaml', text: `${YAML_CONFIG.text}rules:\n  skyforge/command-args: warning\n` });
    const fromConfig = await runCliJson<Report>(['audit', '--format', 'json'], { cwd: dir });
    assert.equal(fromConfig.report.summary.rules['skyforge/command-args']?.severity, 'warning');
    assert.equal(fromConfig.code, 0);
    const overridden = await runCliJson<Report>(['audit', '--format', 'json', '--rule', 'skyforge/command-args=error'], { cwd: dir });
    assert.equal(overridden.code, 1);
    const clean = await runCliJson<Report>(['audit', 'captures/events.ndjson', '--format', 'json'], { cwd: dir });
    assert.equal(clean.code, 0);
    assert.deepEqual(clean.report.inputs, ['captures/events.ndjson']);
    const hasura = await runCliJson<Report>(['audit', '--policy', 'hasura', '--format', 'json'], { cwd: skyforgeProject(YAML_CONFIG) });
    assert.equal(hasura.report.policy.name, 'hasura');
  });

  it('the telemetryAudit key of package.json, and --no-config ignores it', async () => {
    const dir = skyforgeProject({ name: 'package.json', text: JSON.stringify({ name: 'x', telemetryAudit: { policy: './skyforge.policy.yaml', inputs: ['captures/*.ndjson'], 'no-local-identity': true } }) });
    const { code, report } = await runCliJson<Report>(['audit', '--format', 'json'], { cwd: dir });
    assert.equal(code, 1);
    assert.equal(report.policy.name, 'skyforge');
    assert.ok(report.notes.includes('configuration: package.json#telemetryAudit'));
    const ignored = await runCli(['audit', '--no-config'], { cwd: dir });
    assert.equal(ignored.code, 2);
    assert.match(ignored.stderr, /no input given/);
  });

  it('a wrong key is exit 2 with its line and the key it probably meant', async () => {
    const dir = skyforgeProject({ name: 'telemetry-audit.config.yaml', text: 'policy: skyforge.policy.yaml\nmax-warning: 3\n' });
    const run = await runCli(['audit'], { cwd: dir });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /telemetry-audit\.config\.yaml:2:1: .*unknown key "max-warning" \(did you mean "max-warnings"\?\)/);
  });

  it('--config names the file; a missing one is exit 2', async () => {
    const dir = skyforgeProject({ name: 'ci.json', text: JSON.stringify({ policy: 'skyforge.policy.yaml', inputs: ['captures'] }) });
    const { report } = await runCliJson<Report>(['audit', '--config', 'ci.json', '--format', 'json', '--no-local-identity'], { cwd: dir });
    assert.equal(report.policy.name, 'skyforge');
    const missing = await runCli(['audit', '--config', 'nope.yaml'], { cwd: dir });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--config nope\.yaml: no such file/);
  });
});

describe('init', () => {
  it('writes a commented starter from flags (not a terminal) that the next audit uses; never overwrites', async () => {
    const dir = skyforgeProject(null);
    const run = await runCli(['init', '--policy', 'skyforge.policy.yaml', '--captures', 'captures/'], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    const text = readFileSync(path.join(dir, 'telemetry-audit.config.yaml'), 'utf8');
    assert.match(text, /^# /m);
    const parsed = YAML.parse(text) as Record<string, unknown>;
    assert.equal(jsonSchemaValidator(toolConfigJsonSchema())(parsed), true);
    assert.deepEqual(parsed.inputs, ['captures/']);
    const audit = await runCli(['audit', '-q', '--no-local-identity'], { cwd: path.join(dir, 'sub') });
    assert.equal(audit.code, 1, audit.stdout + audit.stderr);
    assert.match(audit.stdout, /skyforge\/command-args/);
    const again = await runCli(['init'], { cwd: dir });
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already exists \(--force replaces it\)/);
  });

  it('schemas/config.schema.json is the generator output', async () => {
    const run = await runCli(['init', '--schema']);
    assert.equal(run.code, 0);
    assert.deepEqual(JSON.parse(run.stdout), toolConfigJsonSchema());
    assert.equal(readFileSync(path.join(REPO_ROOT, 'schemas/config.schema.json'), 'utf8'), run.stdout, 'regenerate: telemetry-audit init --schema > schemas/config.schema.json');
  });
});

describe('suggestions and --rule', () => {
  const cases: Array<[string[], RegExp]> = [
    [['audti'], /unknown command "audti" \(did you mean "audit"\?\)/],
    [['policy', 'shwo'], /unknown subcommand "shwo" \(did you mean "show"\?\)/],
    [['audit', 'fixtures/hasura', '--max-warning', '3'], /Unknown option '--max-warning' \(did you mean --max-warnings\?\)/],
    [['audit', 'fixtures/hasura', '--rule', 'pii/emial=off'], /--rule pii\/emial: .* \(did you mean "pii\/email"\?\)/],
    [['audit', 'fixtures/hasura', '--rule', 'pii/email=loud'], /--rule pii\/email: the level must be one of off, warning, error/],
    [['audit', 'fixtures/hasura', '--rule', 'pii/email'], /--rule needs ID=LEVEL/],
  ];
  for (const [args, message] of cases) {
    it(args.join(' '), async () => {
      const run = await runCli(args);
      assert.equal(run.code, 2, run.stdout + run.stderr);
      assert.match(run.stderr, message);
    });
  }

  it('--rule ID=off drops a rule from the findings', async () => {
    const on = await runCliJson<Report>(['audit', 'fixtures/hasura/leaky/cli-command-flags.ndjson', '--format', 'json', '--no-local-identity']);
    const rules = Object.keys(on.report.summary.rules);
    assert.ok(rules.length > 0);
    const off = await runCliJson<Report>(['audit', 'fixtures/hasura/leaky/cli-command-flags.ndjson', '--format', 'json', '--no-local-identity', ...rules.flatMap((r) => ['--rule', `${r}=off`])]);
    assert.deepEqual(off.report.summary.rules, {});
    assert.equal(off.code, 0);
  });
});
