/**
 * `run`/`serve` when the audit falls behind the proxy: bursts are audited on the worker pool,
 * and the report, the saved captures and the exit code are those of auditing every request in
 * line as it arrived (connection findings and status lines in between keep their places).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import type { CaptureFeed, FeedEvent } from '../../src/capture/capture-feed.js';
import type { CapturedRequest } from '../../src/capture/captured-request.js';
import { readInputs, resolveInputs } from '../../src/capture/read-inputs.js';
import { AuditRun } from '../../src/cli/audit-run.js';
import { serveCommand } from '../../src/cli/commands/serve.js';
import { LiveAudit } from '../../src/cli/live-audit.js';
import { jobsOpt } from '../../src/cli/options/jobs-option.js';
import { parseCommandArgs } from '../../src/cli/parse-args.js';
import { DEFAULT_FAKE_RESPONSE } from '../../src/live/fake-response.js';
import { FIXTURES } from '../helpers/paths.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ta-live-pool-'));
after(() => rmSync(dir, { recursive: true, force: true }));

class BurstFeed implements CaptureFeed {
  private listener: ((e: FeedEvent) => void) | null = null;
  subscribe(listener: (e: FeedEvent) => void) {
    this.listener = listener;
    return () => (this.listener = null);
  }
  emit(e: FeedEvent) {
    this.listener?.(e);
  }
  async stop() {}
}

async function events(): Promise<FeedEvent[]> {
  const seeds: CapturedRequest[] = [];
  for await (const r of readInputs(await resolveInputs([path.join(FIXTURES, 'hasura', 'wire'), path.join(FIXTURES, 'hasura', 'leaky')]))) seeds.push(r);
  const out: FeedEvent[] = [];
  for (let i = 0; i < 1500; i++) {
    out.push({ type: 'request', request: { ...seeds[i % seeds.length]!, id: `live-${i}` } });
    if (i === 700) out.push({ type: 'connection', rule: 'live/proxy-bypass', severity: 'error', message: 'bypassed the proxy', host: '203.0.113.9', port: 443, time: '2026-11-02T09:15:02Z' });
    if (i === 900) out.push({ type: 'status', message: 'target still running' });
  }
  return out;
}

async function serve(jobs: string, burst: FeedEvent[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const io = { stdout, stderr, stdin: process.stdin, env: { ...process.env, NO_COLOR: '1' }, cwd: dir };
  const save = path.join(dir, `saved-${jobs}.ndjson`);
  const args = parseCommandArgs(serveCommand, ['--format', 'json', '--jobs', jobs, '--save', save]);
  const run = await AuditRun.fromArgs(args, io, ['live']);
  const live = LiveAudit.open(run, io, { save, respond: DEFAULT_FAKE_RESPONSE, jobs: jobsOpt(args), label: 'test', origin: { kind: 'process' } });
  const feed = new BurstFeed();
  live.attach(feed);
  await run.begin();
  // All at once, as a busy target's requests reach a proxy faster than one thread audits them.
  for (const e of burst) feed.emit(e);
  await live.close();
  const code = await run.finish();
  // Connection results are numbered per process (conn-1, conn-2, ...): both runs share this one.
  out = out.replace(/"conn-\d+"/g, '"conn-N"');
  return { code, out, err, saved: readFileSync(save, 'utf8'), pooled: live.pooled, requests: live.requests };
}

describe('live audit on the worker pool', () => {
  it('gives the report, captures and exit code of in-line auditing, in arrival order', async () => {
    const burst = await events();
    const inline = await serve('1', burst);
    const pooled = await serve('2', burst);
    assert.equal(inline.pooled, 0);
    assert.ok(pooled.pooled > 1000, `the pool audited ${pooled.pooled} of ${pooled.requests}`);
    assert.equal(pooled.requests, 1500);
    assert.equal(pooled.code, inline.code);
    assert.equal(inline.code, 1, 'the leaky fixtures fail');
    assert.equal(pooled.saved, inline.saved);
    assert.equal(pooled.err, inline.err);
    assert.match(pooled.err, /target still running/);
    const differs = [...pooled.out].findIndex((c, i) => c !== inline.out[i]);
    assert.equal(differs, -1, `reports differ at ${differs}: ${pooled.out.slice(differs - 200, differs + 200)} vs ${inline.out.slice(differs - 200, differs + 200)}`);
    const report = JSON.parse(pooled.out) as { requests: Array<{ id: string }> };
    const ids = report.requests.map((r) => r.id).filter((id) => id.startsWith('live-'));
    assert.deepEqual(ids, Array.from({ length: 1500 }, (_, i) => `live-${i}`));
    assert.ok(report.requests.findIndex((r) => !r.id.startsWith('live-')) === 701, 'the bypass stays between request 700 and 701');
  });
});
