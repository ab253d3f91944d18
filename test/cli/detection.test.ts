/**
 * Sensitive terms through the built CLI: canaries (refused when too short or common), local
 * identity (kinds in the notes, values only with --show-evidence), and --metadata catching a
 * console route that carries a table name in every encoding.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { serializeCaptureLine } from '../../src/capture/capture-record.js';
import type { CapturedRequest } from '../../src/capture/captured-request.js';
import { AUDIT_RUN_OPTIONS } from '../../src/cli/audit-run.js';
import { runCli } from '../helpers/run-cli.js';

interface Report {
  notes: string[];
  requests: Array<{ id: string; findings: Array<{ rule: string; severity: string; encoding?: string; matched?: string; evidence?: string; location: unknown }> }>;
}

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'ta-det-'));
const sha = (alg: string, s: string, enc: 'hex' | 'base64' = 'hex') => createHash(alg).update(s).digest(enc);

function cliEvent(n: number, extra: Record<string, unknown>, headers: Array<[string, string]> = []): CapturedRequest {
  const body = {
    uuid: '90c192cf-d3ac-44af-8f21-ddb66cad4a26', server_uuid: '', execution_id: 'a170b338-3926-4059-b28c-105d1fb17c23', os_platform: 'linux', os_arch: 'amd64',
    version: 'v2.36.0', server_version: '', command: 'hasura version', is_error: false, payload: null, ...extra,
  };
  return {
    id: `r${n}`, time: '2026-11-02T10:01:00.000Z', method: 'POST', url: 'https://telemetry.hasura.io/v1/http',
    headers: [['user-agent', 'Go-http-client/1.1'], ['content-type', 'application/json'], ...headers],
    body: Buffer.from(JSON.stringify({ topic: 'cli', data: body })), transport: 'http', origin: { kind: 'process', command: 'hasura version' },
  };
}

function consoleFrame(n: number, route: string): CapturedRequest {
  const frame = {
    data: {
      server_version: 'v2.36.0', url: route, console_mode: 'cli', console_type: 'oss', cli_uuid: '90c192cf-d3ac-44af-8f21-ddb66cad4a26',
      server_uuid: '6513270e-269e-4d37-b2a7-4de452e6b438', event_type: 'CLICK_EVENT', event_data: { id: 'Modify Table Save Button' },
    },
    topic: 'console-v2',
  };
  return {
    id: `f${n}`, time: '2026-11-02T10:01:00.000Z', method: 'WS', url: 'wss://telemetry.hasura.io/v1/ws', headers: [],
    body: Buffer.from(JSON.stringify(frame)), transport: 'websocket', origin: { kind: 'process', command: 'console' },
  };
}

function captureFile(requests: CapturedRequest[]): string {
  const file = path.join(tmp(), 'capture.ndjson');
  writeFileSync(file, requests.map(serializeCaptureLine).join(''));
  return file;
}

const parse = (stdout: string) => JSON.parse(stdout) as Report;

describe('audit --help', () => {
  it('documents every option', async () => {
    const run = await runCli(['audit', '--help']);
    assert.equal(run.code, 0);
    for (const o of AUDIT_RUN_OPTIONS) assert.match(run.stdout, new RegExp(`--${o.name}\\b`), `--${o.name} missing from help`);
    for (const name of ['canary', 'canaries', 'metadata', 'no-local-identity']) assert.match(run.stdout, new RegExp(`--${name} `));
  });
});

describe('canaries', () => {
  const canary = 'zq-canary-7731';

  it('refuses terms that are too short or common words (exit 2)', async () => {
    const file = captureFile([cliEvent(1, {})]);
    const short = await runCli(['audit', file, '--canary', 'ab1']);
    assert.equal(short.code, 2);
    assert.match(short.stderr, /--canary "ab1" cannot be a sensitive term: it is shorter than 4 characters/);
    const common = await runCli(['audit', file, '--canary', 'Tables']);
    assert.equal(common.code, 2);
    assert.match(common.stderr, /common word/);
    const list = path.join(tmp(), 'canaries.txt');
    writeFileSync(list, `# planted in staging\n${canary}\n\nabc\n`);
    const bad = await runCli(['audit', file, '--canaries', list]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /canaries\.txt line 4: "abc" cannot be a sensitive term/);
    const missing = await runCli(['audit', file, '--canaries', path.join(tmp(), 'none.txt')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read \(ENOENT\)/);
  });

  it('finds a canary hashed in the body and base64-encoded in a header, without printing it', async () => {
    const list = path.join(tmp(), 'canaries.txt');
    writeFileSync(list, `# one a line\n${canary}\n`);
    const file = captureFile([
      cliEvent(1, { execution_id: sha('sha256', canary) }),
      cliEvent(2, {}, [['x-client', Buffer.from(`id:${canary};`).toString('base64')]]),
      cliEvent(3, {}),
    ]);
    const run = await runCli(['audit', file, '--canaries', list, '--no-local-identity', '--format', 'json']);
    assert.equal(run.code, 1, run.stderr);
    const report = parse(run.stdout);
    const terms = report.requests.map((r) => r.findings.filter((f) => f.rule === 'term/canary').map((f) => [f.encoding, f.matched]));
    assert.deepEqual(terms, [[['sha256-hex', 'canary']], [['base64', 'canary']], []], JSON.stringify(terms));
    assert.ok(report.notes.some((n) => /canaries: 1 planted value/.test(n)));
    assert.ok(!run.stdout.includes(canary) && !run.stdout.includes(sha('sha256', canary)), 'the report must not leak what it found');
    const text = await runCli(['audit', file, '--canary', canary, '--no-local-identity']);
    assert.ok(!text.stdout.includes(canary));
    assert.match(text.stdout, /term\/canary .*encoding: sha256-hex\) \[canary\]/);
  });
});

describe('local identity', () => {
  const user = 'zq-user-5529';
  const file = () => captureFile([cliEvent(1, {}, [['x-request-id', sha('sha1', user)]]), cliEvent(2, {})]);

  it('finds a hash of this machine\'s user name and names the kinds checked, not the values', async () => {
    const run = await runCli(['audit', file(), '--format', 'json'], { env: { USER: user } });
    assert.equal(run.code, 1, run.stderr);
    const report = parse(run.stdout);
    const f = report.requests[0]!.findings.find((x) => x.rule === 'term/identity');
    assert.equal(f?.encoding, 'sha1-hex');
    assert.equal(f?.matched, 'identity:username');
    const note = report.notes.find((n) => n.startsWith('local identity checked:'));
    assert.match(note ?? '', /username/);
    assert.ok(!run.stdout.includes(user));
    const revealed = parse((await runCli(['audit', file(), '--format', 'json', '--show-evidence'], { env: { USER: user } })).stdout);
    assert.ok(revealed.notes.some((n) => n.includes(`username "${user}"`)));
  });

  it('a working directory named like the tool (turbo, nuxt) does not fire inside words, keys or the User-Agent; as a whole value it does', async () => {
    for (const name of ['turbo', 'nuxt', 'live']) {
      const cwd = path.join(tmp(), name);
      mkdirSync(cwd);
      const file = captureFile([
        cliEvent(1, { payload: { cliVersion: '2.3.1', [`${name}Version`]: '2.3.1' } }, [['connection', 'keep-alive'], ['user-agent', `${name}/2.3.1 linux x64 node/v20.11.0`]]),
      ]);
      const run = await runCli(['audit', file, '--format', 'json'], { cwd });
      const terms = parse(run.stdout).requests.flatMap((r) => r.findings).filter((f) => f.rule === 'term/identity');
      assert.deepEqual(terms, [], `cwd ${name}`);
    }
    // A real project directory sent as a value is still caught, as a whole token in a path.
    const cwd = path.join(tmp(), 'acme-storefront');
    mkdirSync(cwd);
    const leaky = captureFile([cliEvent(1, { payload: { cwd: '/srv/acme-storefront/app' } })]);
    const run = await runCli(['audit', leaky, '--format', 'json'], { cwd });
    const found = parse(run.stdout).requests.flatMap((r) => r.findings).filter((f) => f.rule === 'term/identity');
    assert.deepEqual(found.map((f) => f.matched), ['identity:cwd-name']);
  });

  it('--no-local-identity turns it off and says so', async () => {
    const run = await runCli(['audit', file(), '--format', 'json', '--no-local-identity'], { env: { USER: user } });
    assert.equal(run.code, 0, run.stdout);
    const report = parse(run.stdout);
    assert.ok(report.notes.includes('local identity: not checked (--no-local-identity)'));
    assert.ok(report.requests.every((r) => r.findings.every((x) => !x.rule.startsWith('term/'))));
  });
});

describe('--metadata', () => {
  const table = 'loyalty_points';
  const bytes = Buffer.from(table);
  const ENCODED: Array<[string, string, RegExp | null]> = [
    ['raw', table, null],
    ['upper-case', table.toUpperCase(), null],
    ['url-encoded', [...bytes].map((b) => '%' + b.toString(16).toUpperCase()).join(''), /^url-encoded$/],
    ['url-encoded twice', [...bytes].map((b) => '%25' + b.toString(16).toUpperCase()).join(''), /^url-encoded(-twice|>url-encoded)$/],
    ['json-unicode', [...table].map((c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')).join(''), null],
    ['html-entities', [...table].map((c) => `&#${c.charCodeAt(0)};`).join(''), /^html-entities$/],
    ['hex', bytes.toString('hex').toUpperCase(), /^hex$/],
    ['base64', bytes.toString('base64'), /^base64$/],
    ['base64 offset 1', Buffer.concat([Buffer.from([0xf3]), bytes, Buffer.from([0x9c])]).toString('base64'), /^base64$/],
    ['base64 offset 2', Buffer.concat([Buffer.from([0xf3, 0x01]), bytes, Buffer.from([0x9c])]).toString('base64'), /^base64$/],
    // Where the term's piece has no "+" or "/", base64url and base64 agree and the first name is given.
    ['base64url', Buffer.concat([Buffer.from([0xfb, 0xff]), bytes]).toString('base64url'), /^base64(url)?$/],
    ['md5-hex', sha('md5', table), /^md5-hex$/],
    ['sha1-hex', sha('sha1', table), /^sha1-hex$/],
    ['sha256-hex', sha('sha256', table), /^sha256-hex$/],
    ['sha512-hex', sha('sha512', table), /^sha512-hex$/],
    ['sha256-base64', sha('sha256', table, 'base64'), /^sha256-base64$/],
  ];

  it('catches a console route carrying a table name, in each encoding', async () => {
    const file = captureFile(ENCODED.map(([, enc], i) => consoleFrame(i, `/data/schema/public/tables/${enc}/modify`)));
    const run = await runCli(['audit', file, '--metadata', 'fixtures/hasura-metadata', '--no-local-identity', '--format', 'json']);
    assert.equal(run.code, 1, run.stderr);
    const report = parse(run.stdout);
    assert.equal(report.requests.length, ENCODED.length);
    report.requests.forEach((r, i) => {
      const [name, , encoding] = ENCODED[i]!;
      const tagged = r.findings.filter((f) => f.matched?.split(',').includes('metadata:table'));
      assert.ok(tagged.length >= 1, `${name}: no finding names metadata:table: ${JSON.stringify(r.findings)}`);
      if (encoding) {
        const term = r.findings.find((f) => f.rule === 'term/metadata');
        assert.match(term?.encoding ?? '', encoding, `${name}: ${JSON.stringify(term)}`);
      }
    });
    assert.ok(report.notes.some((n) => /^metadata fixtures\/hasura-metadata: \d+ names from \d+ files/.test(n)));
  });

  it('leaves the clean fixtures without a single detector or term finding', async () => {
    const run = await runCli(['audit', 'fixtures/hasura/samples', 'fixtures/hasura/wire', '--metadata', 'fixtures/hasura-metadata', '--format', 'json']);
    const report = parse(run.stdout);
    const scanned = report.requests.flatMap((r) => r.findings).filter((f) => f.matched !== undefined || /^(term|identity|pii|secret)\//.test(f.rule));
    assert.deepEqual(scanned, []);
  });

  it('names the metadata kind on the leaky fixtures that carry project names', async () => {
    const kinds = async (fixture: string) => {
      const run = await runCli(['audit', `fixtures/hasura/leaky/${fixture}`, '--metadata', 'fixtures/hasura-metadata', '--no-local-identity', '--format', 'json']);
      assert.equal(run.code, 1);
      return [...new Set(parse(run.stdout).requests.flatMap((r) => r.findings).flatMap((f) => f.matched?.split(',') ?? []))].sort();
    };
    assert.deepEqual(await kinds('console-route-name.har'), ['metadata:native-query', 'metadata:source']);
    assert.deepEqual(await kinds('db-kind-connector-name.ndjson'), ['metadata:connector']);
    assert.deepEqual(await kinds('cli-payload-text.ndjson'), ['metadata:table']);
    assert.deepEqual(await kinds('cli-command-flag-value.ndjson'), ['metadata:source']);
  });

  it('fails with exit 2 on a directory that is not Hasura metadata', async () => {
    const run = await runCli(['audit', 'fixtures/hasura/wire', '--metadata', 'fixtures/hasura']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--metadata fixtures\/hasura: .*no databases\/databases.yaml/);
  });
});
