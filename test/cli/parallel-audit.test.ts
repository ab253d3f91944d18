import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { serializeCaptureLine } from '../../src/capture/capture-record.js';
import type { CapturedRequest } from '../../src/capture/captured-request.js';
import { readInputs, resolveInputs } from '../../src/capture/read-inputs.js';
import { auditRequest, type RequestResult } from '../../src/engine/audit-request.js';
import { cookRecipe } from '../../src/cli/parallel/audit-recipe.js';
import { packLinesReply, unpackLinesReply } from '../../src/cli/parallel/batch.js';
import { requestsOfCaptureLines } from '../../src/capture/capture-lines.js';
import { auditInOrder } from '../../src/cli/parallel/audit-pool.js';
import { DEFAULT_DETECTORS } from '../../src/detectors/default-detectors.js';
import { detectorRules } from '../../src/cli/options/detection-options.js';
import { BASELINE_RULES } from '../../src/baseline/rules.js';
import { hasuraPolicy } from '../../src/policy/packs/hasura/index.js';
import { TERM_RULE_DOCS } from '../../src/terms/sensitive-term.js';
import { FIXTURES } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';

const CANARY = 'zq-canary-7f3e9a41';

/** Every fixture request, repeated with fresh ids until there are `count`: clean, leaky, gzip, HAR, WebSocket. */
async function corpus(count: number): Promise<CapturedRequest[]> {
  const seeds: CapturedRequest[] = [];
  for await (const r of readInputs(await resolveInputs([path.join(FIXTURES, 'hasura', 'wire'), path.join(FIXTURES, 'hasura', 'leaky')]))) seeds.push(r);
  assert.ok(seeds.length > 20);
  return Array.from({ length: count }, (_, i) => {
    const s = seeds[i % seeds.length]!;
    // Every so often the canary is planted in a header, so term scanning finds something in the workers too.
    const headers = i % 97 === 5 ? [...s.headers, ['x-trace', `id ${CANARY}`] as [string, string]] : s.headers;
    return { ...s, id: `req-${i}`, headers };
  });
}

describe('parallel audit', () => {
  let dir: string;
  let requests: CapturedRequest[];
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ta-parallel-'));
    requests = await corpus(2500);
    writeFileSync(path.join(dir, 'big.ndjson'), requests.map(serializeCaptureLine).join(''));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a pool of workers gives every request the result this thread gives, in input order', async () => {
    const recipe = { policy: hasuraPolicy, extraRules: [...detectorRules(DEFAULT_DETECTORS), ...TERM_RULE_DOCS, ...BASELINE_RULES], terms: [{ value: CANARY, kind: 'canary' as const }] };
    const { compiled, options } = cookRecipe(recipe);
    const here = requests.slice(0, 600).map((r) => auditRequest(r, compiled, options));
    const got: RequestResult[] = [];
    async function* source() {
      yield* requests.slice(0, 600);
    }
    // startAfter 10: all but the first ten go through the workers, in small batches that finish out of order.
    await auditInOrder(source(), recipe, (r) => auditRequest(r, compiled, options), async (r) => void got.push(r), { jobs: 3, batch: 7, startAfter: 10 });
    assert.equal(got.length, here.length);
    got.forEach((r, i) => {
      assert.equal(r.request, requests[i], `result ${i} is for request ${i}`);
      assert.deepEqual({ ...r, request: null }, { ...here[i]!, request: null }, `request ${i}`);
    });
    assert.ok(here.some((r) => r.findings.some((f) => f.rule.startsWith('term'))), 'the canary is found');
    assert.ok(here.some((r) => r.verdict === 'pass') && here.some((r) => r.verdict === 'fail'));
  });

  it('settles every result once, as soon as it exists, on every path (this thread first, the workers, this thread when they are full)', async () => {
    const recipe = { policy: hasuraPolicy, extraRules: [...detectorRules(DEFAULT_DETECTORS), ...TERM_RULE_DOCS, ...BASELINE_RULES], terms: [] };
    const { compiled, options } = cookRecipe(recipe);
    const settled = new WeakSet<RequestResult>();
    let calls = 0;
    const got: RequestResult[] = [];
    async function* source() {
      yield* requests.slice(0, 400);
    }
    // depth 1: the workers fill up and this thread audits batches too.
    await auditInOrder(source(), recipe, (r) => auditRequest(r, compiled, options), async (r) => void got.push(r), {
      jobs: 2,
      batch: 5,
      startAfter: 10,
      depth: 1,
      settle: (r) => {
        calls++;
        assert.ok(!settled.has(r), 'settled twice');
        const out = { ...r };
        settled.add(out);
        return out;
      },
    });
    assert.equal(got.length, 400);
    assert.equal(calls, 400);
    got.forEach((r, i) => {
      assert.ok(settled.has(r), `result ${i} reached add without being settled`);
      assert.equal(r.request, requests[i]);
    });
  });

  it('reports and exit codes are byte for byte those of a single thread, in every format', async () => {
    const outputs = (jobs: string) => ['json', 'sarif', 'junit.xml', 'md', 'html'].flatMap((ext) => ['-o', path.join(dir, `j${jobs}.${ext}`)]);
    const runs = [];
    for (const jobs of ['1', '2']) {
      runs.push(await runCli(['audit', path.join(dir, 'big.ndjson'), '--jobs', jobs, '--canary', CANARY, ...outputs(jobs)], { timeoutMs: 300_000 }));
    }
    const [one, two] = runs as [Awaited<ReturnType<typeof runCli>>, Awaited<ReturnType<typeof runCli>>];
    assert.equal(one.code, 1, one.stderr);
    assert.equal(two.code, one.code);
    assert.equal(two.stdout, one.stdout);
    // JUnit's time attributes are how long each run took: the one thing two runs cannot share.
    const untimed = (ext: string, b: Buffer) => (ext === 'junit.xml' ? Buffer.from(b.toString('utf8').replace(/ time="[0-9.]+"/g, ' time=""')) : b);
    for (const ext of ['json', 'sarif', 'junit.xml', 'md', 'html']) {
      const a = untimed(ext, readFileSync(path.join(dir, `j1.${ext}`)));
      assert.ok(a.length > 10_000, ext);
      assert.ok(untimed(ext, readFileSync(path.join(dir, `j2.${ext}`))).equals(a), `${ext} differs between --jobs 1 and --jobs 2`);
    }
    const report = JSON.parse(readFileSync(path.join(dir, 'j2.json'), 'utf8')) as { summary: { requests: number } };
    assert.equal(report.summary.requests, 2500);
  });

  it('reports the workers write themselves are byte for byte those of one thread: text and JSON in pieces, SARIF, Markdown and HTML from the results with findings', async () => {
    // Oddities one thread reports in its own way: a duplicate key, a foreign line, bytes that
    // are not UTF-8, CRLF, a blank line, the same request twice.
    const lines = requests.map(serializeCaptureLine);
    const withBody = (line: string, body: string) => serializeCaptureLine({ ...(JSON.parse(line) as object), body } as never);
    lines[1300] = lines[1300]!.replace(/\n$/, '\r\n');
    lines[1400] = withBody(lines[1400]!, '{"topic":"cli","topic":"server_metrics","user":"me@corp.example"}').replace('"body":', '"body" :');
    lines[1500] = '{"not":"a capture record","path":"/home/alice/x"}\n';
    lines[1600] = '\n';
    lines[1700] = lines[1699]!;
    const mixed = path.join(dir, 'mixed.ndjson');
    writeFileSync(mixed, Buffer.concat([Buffer.from(lines.slice(0, 1800).join('')), Buffer.from([0xff, 0xfe, 0x41, 0x0a]), Buffer.from(lines.slice(1800).join(''))]));
    // Bare JSON payloads, one per line: read as requests on this thread, sent to workers in batches.
    const payloads = path.join(dir, 'payloads.jsonl');
    writeFileSync(payloads, requests.map((r) => `${Buffer.from(r.body).toString("utf8").replace(/\n/g, ' ') || '{}'}\n`).join(''));
    const runs: Record<string, { jobs: string; args: string[]; files: string[]; input?: string; env?: NodeJS.ProcessEnv }> = {
      findings: { jobs: '', args: [mixed, '-o', 'F.json', '-o', 'F.sarif', '-o', 'F.md', '-o', 'F.html'], files: ['F.json', 'F.sarif', 'F.md', 'F.html'] },
      text: { jobs: '', args: [mixed, payloads, '--show-evidence'], files: [], env: { FORCE_COLOR: '1', NO_COLOR: '' } },
      stdin: { jobs: '', args: ['-', '-o', 'S.sarif', '-o', 'S.txt', '-o', 'Q.json', '--quiet'], files: ['S.sarif', 'S.capture.ndjson', 'S.txt', 'Q.json'], input: lines.slice(0, 2000).join('') },
      batches: { jobs: '', args: [payloads, '--format', 'json'], files: [] },
    };
    // One HOME for both runs: the report's notes name it.
    const home = path.join(dir, 'home');
    mkdirSync(home);
    for (const [name, run] of Object.entries(runs)) {
      const got: Array<{ code: number; stdout: string; files: string[] }> = [];
      for (const jobs of ['1', '2']) {
        const out = path.join(dir, `${name}-${jobs}`);
        mkdirSync(out);
        const args = run.args.map((a) => (/^[A-Z]\.\w+$/.test(a) ? path.join(out, a) : a));
        const r = await runCli(['audit', ...args, '--jobs', jobs, '--canary', CANARY], { timeoutMs: 300_000, ...(run.input !== undefined ? { input: run.input } : {}), env: { HOME: home, ...run.env } });
        assert.ok(r.code === 1, `${name} --jobs ${jobs}: exit ${r.code}: ${r.stderr}`);
        // The SARIF report names the capture saved beside it, in this run's own directory.
        const here = (b: Buffer | string) => b.toString('latin1').split(`${name}-${jobs}`).join('OUT');
        got.push({ code: r.code, stdout: here(r.stdout), files: run.files.map((f) => here(readFileSync(path.join(out, f)))) });
      }
      const [one, two] = got as [(typeof got)[number], (typeof got)[number]];
      assert.equal(two.code, one.code, name);
      // A line that is not a capture record has no time of its own: it gets the time it was read.
      const untimed = (text: string) => text.replace(/"time":"[^"]*"/g, '"time":""');
      assert.ok(untimed(two.stdout) === untimed(one.stdout), `${name}: stdout differs between --jobs 1 and --jobs 2`);
      run.files.forEach((f, i) => assert.ok(untimed(two.files[i]!) === untimed(one.files[i]!), `${name}: ${f} differs between --jobs 1 and --jobs 2`));
    }
    // The runs did report what the oddities are: a duplicate key, a foreign line, evidence in colour.
    const report = readFileSync(path.join(dir, 'findings-2', 'F.json'), 'utf8');
    assert.match(report, /duplicate/);
    assert.ok(report.includes(':1501"'));
    const text = readFileSync(path.join(dir, 'findings-2', 'F.md'), 'utf8');
    assert.match(text, /### telemetry-audit: FAIL/);
    assert.ok(readFileSync(path.join(dir, 'stdin-2', 'S.capture.ndjson')).length > 1000, 'the SARIF companion holds the requests from stdin');
    assert.equal(readFileSync(path.join(dir, 'stdin-2', 'Q.json'), 'utf8').split('\n')[0]!.endsWith('"requests":['), true);
  });

  it('lines parsed by the workers: a malformed record, a foreign line and CRLF end as on one thread, from a file and from stdin', async () => {
    // Big enough that most lines go to the workers raw; the bad record sits far past the start.
    const lines = requests.map(serializeCaptureLine);
    lines[1500] = lines[1500]!.replace(/\n$/, '\r\n');
    lines[1700] = '{"not":"a capture record","user":"me@corp.example"}\n';
    lines[1800] = '\n';
    lines[2300] = JSON.stringify({ method: 'POST', url: 'https://x.test/', transport: 'http', headers: [['a']] }) + '\n';
    const file = path.join(dir, 'bad.ndjson');
    writeFileSync(file, lines.join(''));
    const runs: Array<Awaited<ReturnType<typeof runCli>>> = [];
    for (const jobs of ['1', '2', '3']) runs.push(await runCli(['audit', file, '--jobs', jobs, '--canary', CANARY, '--format', 'json'], { timeoutMs: 300_000 }));
    // From stdin, up to the bad record (the CLI stops reading there, and a pipe written on would break).
    for (const jobs of ['1', '2']) runs.push(await runCli(['audit', '-', '--jobs', jobs, '--canary', CANARY, '--format', 'json'], { input: lines.slice(0, 2300).join(''), timeoutMs: 300_000 }));
    const [one, ...others] = runs as [Awaited<ReturnType<typeof runCli>>, ...Array<Awaited<ReturnType<typeof runCli>>>];
    assert.equal(one.code, 2, one.stderr);
    assert.match(one.stderr, /bad\.ndjson:2301: malformed capture record: headers\[0\]/);
    const report = JSON.parse(one.stdout) as { requests: Array<{ id: string; origin: { format: string } }>; summary: { requests: number }; conclusion: string };
    // Lines 1..2300 less the blank one: every request before the bad record is reported, none after.
    assert.equal(report.summary.requests, 2299);
    assert.equal(report.requests.at(-1)!.id.endsWith(':2300'), true);
    assert.ok(report.requests.some((r) => r.id.endsWith(':1701')));
    // The foreign line has no time of its own: it gets the time the file was read.
    const untimed = (report: string) => report.replace(/("id":"[^"]*:1701","time":")[^"]+/, '$1');
    for (const [i, r] of others.slice(0, 2).entries()) {
      assert.equal(r.code, one.code, `--jobs ${i + 2}`);
      assert.ok(untimed(r.stdout) === untimed(one.stdout), `--jobs ${i + 2}: the report differs from one thread's`);
      assert.equal(r.stderr, one.stderr);
    }
    const [, , , stdinOne, stdinTwo] = runs;
    assert.equal(stdinOne!.code, 1, stdinOne!.stderr);
    assert.equal(stdinTwo!.code, 1);
    const stdinReport = JSON.parse(stdinOne!.stdout) as { requests: Array<{ id: string; origin: { kind: string } }> };
    assert.equal(stdinReport.requests.at(-1)!.id, '-:2300');
    assert.equal(stdinReport.requests.at(-1)!.origin.kind, 'stdin');
    assert.ok(untimed(stdinTwo!.stdout) === untimed(stdinOne!.stdout), 'stdin: the report differs from one thread\'s');
    assert.equal(stdinTwo!.stderr, stdinOne!.stderr);
    assert.equal((JSON.parse(stdinTwo!.stdout) as { summary: { requests: number } }).summary.requests, 2299);
  });

  it('a worker sends capture lines back as the requests and results this thread makes of them, whether a block holds a few header lists or one per request', () => {
    const recipe = { policy: hasuraPolicy, extraRules: detectorRules(DEFAULT_DETECTORS), terms: [] };
    const { compiled, options } = cookRecipe(recipe);
    const place = { display: 'capture.ndjson', stdin: false };
    // A block with a few header lists, one with the fixtures' ~30, and one where most requests have their own.
    for (const [count, own] of [[6, false], [120, false], [120, true]] as const) {
      const sent = requests.slice(0, count).map((r, i) => (own && i % 5 !== 0 ? { ...r, headers: [...r.headers, ['x-request-id', `r${i}`] as [string, string]] } : r));
      const bytes = Buffer.from(sent.map(serializeCaptureLine).join(''));
      const unit = { place, readAt: '2026-01-02T03:04:05.000Z', block: { firstLine: 1, lines: sent.length, bytes } };
      const results = [...requestsOfCaptureLines(unit)].map((r) => auditRequest(r, compiled, options));
      const { reply } = packLinesReply(0, unit, results);
      const back = unpackLinesReply(unit, reply);
      const lists = (JSON.parse(reply.text) as [unknown[]])[0].length;
      assert.equal(lists, new Set(sent.map((r) => JSON.stringify(r.headers))).size, 'each distinct header list sent once');
      assert.equal(back.length, results.length);
      back.forEach((r, i) => {
        const o = results[i]!;
        assert.deepEqual({ ...r, request: { ...r.request, body: Buffer.from(r.request.body) } }, { ...o, request: { ...o.request, body: Buffer.from(o.request.body) } }, `request ${i}`);
      });
    }
  });

  it('--jobs takes a whole number of at least 1', async () => {
    const r = await runCli(['audit', path.join(FIXTURES, 'hasura', 'wire'), '--jobs', '0']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--jobs needs an integer >= 1/);
  });
});
