/**
 * The opt-out pack format: the built-in Hasura packs hold the scenarios the opt-out issue asks
 * for, every shipped pack validates (CLI and published JSON Schema), and packs export and load
 * back unchanged.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import YAML from 'yaml';
import { loadPack } from '../../src/optout/load-pack.js';
import { packJsonSchema } from '../../src/optout/pack-json-schema.js';
import type { Pack, Scenario } from '../../src/optout/pack-schema.js';
import { BUILTIN_PACKS } from '../../src/optout/packs/index.js';
import { jsonSchemaValidator } from '../helpers/json-schema.js';
import { FIXTURES, REPO_ROOT } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';

const SHIPPED = [...readdirSync(path.join(FIXTURES, 'optout-packs')).map((f) => `fixtures/optout-packs/${f}`), 'fixtures/generic-tool/skyforge.optout.yaml'];
const byName = (pack: Pack) => new Map(pack.scenarios.map((s) => [s.name, s]));
const envOf = (s: Scenario | undefined) => s?.env?.set ?? {};

describe('built-in Hasura packs', () => {
  it('hasura-server: control, env and flag, spellings, flag over env both ways, 0 refuses to start, conventions informational', async () => {
    const { pack } = await loadPack('hasura-server');
    const s = byName(pack);
    const E = 'HASURA_GRAPHQL_ENABLE_TELEMETRY';
    assert.equal(pack.target.kind, 'server');
    assert.equal(pack.scenarios.filter((x) => x.control).length, 1);
    assert.equal(s.get('control')?.expect, 'send');
    assert.deepEqual(envOf(s.get('env-false')), { [E]: 'false' });
    assert.deepEqual(s.get('flag-false')?.args?.insert, ['--enable-telemetry=false']);
    const spellings = pack.scenarios.filter((x) => x.expect === 'suppress' && !x.informational && !x.args).map((x) => envOf(x)[E]).sort();
    assert.deepEqual(spellings, ['FALSE', 'f', 'false', 'n', 'no']);
    assert.equal(s.get('flag-false-over-env-true')?.expect, 'suppress');
    assert.equal(s.get('flag-true-over-env-false')?.expect, 'send');
    assert.equal(s.get('env-zero')?.expect, 'refuse-start');
    assert.equal(s.get('env-zero')?.refusal?.stderr, E);
    for (const name of ['do-not-track', 'ci-true']) assert.equal(s.get(name)?.informational, true, name);
    // The console the server hosts: told telemetry is on by default and off when opted out.
    assert.match(s.get('control')!.probes![0]!.matches!, /true/);
    assert.match(s.get('env-false')!.probes![0]!.matches!, /false/);
    assert.match(s.get('flag-false')!.probes![0]!.url, /^http:\/\/127\.0\.0\.1:\{\{port\}\}\/console$/);
    // Parallel servers need their own port, and inherited settings must not decide the control.
    assert.equal(pack.common?.env?.set?.HASURA_GRAPHQL_SERVER_PORT, '{{port}}');
    assert.ok(pack.common?.env?.unset?.includes(E));
  });

  it('hasura-cli: control, env, config file, env over file both ways, ParseBool spellings, non-boolean values informational', async () => {
    const { pack } = await loadPack('hasura-cli');
    const s = byName(pack);
    const E = 'HASURA_GRAPHQL_ENABLE_TELEMETRY';
    const configOf = (name: string) => s.get(name)?.files?.find((f) => f.path === '.hasura/config.json')?.json as { enable_telemetry?: unknown } | undefined;
    assert.equal(pack.target.kind, 'cli');
    assert.equal(s.get('control')?.control, true);
    assert.equal(s.get('control')?.files, undefined, 'the control is a first run');
    assert.deepEqual(envOf(s.get('env-false')), { [E]: 'false' });
    assert.equal(configOf('config-false')?.enable_telemetry, false);
    assert.equal(s.get('config-false')?.expect, 'suppress');
    assert.equal(configOf('env-false-over-config-true')?.enable_telemetry, true);
    assert.equal(s.get('env-false-over-config-true')?.expect, 'suppress');
    assert.equal(configOf('env-true-over-config-false')?.enable_telemetry, false);
    assert.equal(s.get('env-true-over-config-false')?.expect, 'send');
    const parseBool = pack.scenarios.filter((x) => x.name.startsWith('env-parsebool-')).map((x) => envOf(x)[E]).sort();
    assert.deepEqual(parseBool, ['0', 'FALSE', 'f']);
    for (const name of ['env-non-boolean', 'config-string-false', 'do-not-track', 'ci-true']) assert.equal(s.get(name)?.informational, true, name);
  });
});

describe('shipped packs', () => {
  it('pack check accepts every example pack and both built-ins', async () => {
    const run = await runCli(['pack', 'check', ...SHIPPED, ...Object.keys(BUILTIN_PACKS)]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim().split('\n').length, SHIPPED.length + Object.keys(BUILTIN_PACKS).length);
    assert.match(run.stdout, /skyforge\.optout\.yaml: valid \(10 scenarios, 6 must suppress, 3 must send, 0 must refuse to start, 1 informational; policy skyforge\.policy\.yaml\)/);
  });

  it('example packs for public tools cite their documentation', async () => {
    for (const file of SHIPPED.filter((f) => f.includes('optout-packs'))) {
      const { pack } = await loadPack(file, REPO_ROOT);
      assert.ok((pack.docs ?? []).length > 0, file);
      for (const url of pack.docs!) assert.ok(pack.description.includes(url.replace(/\/$/, '')), `${file}: ${url} cited in the description`);
    }
  });

  it('schemas/optout-pack.schema.json is the generator output and accepts every shipped pack', async () => {
    const run = await runCli(['pack', 'schema']);
    assert.equal(run.code, 0);
    assert.equal(readFileSync(path.join(REPO_ROOT, 'schemas/optout-pack.schema.json'), 'utf8'), run.stdout, 'regenerate: telemetry-audit pack schema -o schemas/optout-pack.schema.json');
    const validate = jsonSchemaValidator(packJsonSchema());
    for (const file of SHIPPED) {
      const data = YAML.parse(readFileSync(path.join(REPO_ROOT, file), 'utf8'), { merge: true }) as unknown;
      assert.ok(validate(data), `${file}: ${JSON.stringify(validate.errors?.slice(0, 2))}`);
    }
    for (const pack of Object.values(BUILTIN_PACKS)) assert.ok(validate(JSON.parse(JSON.stringify(pack))), pack.name);
    const skyforge = YAML.parse(readFileSync(path.join(REPO_ROOT, 'fixtures/generic-tool/skyforge.optout.yaml'), 'utf8')) as Pack;
    const both = { ...skyforge, scenarios: [...skyforge.scenarios, { name: 'x', expect: 'suppress', files: [{ path: 'a', text: 'b', json: {} }] }] };
    assert.equal(validate(both), false, 'a file with both text and json');
  });

  it('pack show exports a built-in as YAML and JSON that load back unchanged', async () => {
    for (const name of Object.keys(BUILTIN_PACKS)) {
      const yaml = await runCli(['pack', 'show', name]);
      assert.equal(yaml.code, 0, yaml.stderr);
      assert.deepEqual(YAML.parse(yaml.stdout), JSON.parse(JSON.stringify(BUILTIN_PACKS[name])));
      const json = await runCli(['pack', 'show', name, '--format', 'json']);
      assert.deepEqual(JSON.parse(json.stdout), JSON.parse(JSON.stringify(BUILTIN_PACKS[name])));
    }
  });
});
