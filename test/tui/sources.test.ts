/** Live feeds into the store: requests audited as they arrive, other events turned into state. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CaptureFeed, FeedEvent } from '../../src/capture/capture-feed.js';
import { feedEventActions, startFeed } from '../../src/tui/sources/feed-source.js';
import { inThread, startReplay } from '../../src/tui/sources/replay-source.js';
import { createStore } from '../../src/tui/state/store.js';
import { initialState } from '../../src/tui/state/inspector-state.js';
import { cliFlat, httpRequest } from '../helpers/requests.js';
import { audit, feedAuditor, fixtureResults } from '../helpers/tui-session.js';
import { auditInOrder } from '../../src/cli/parallel/audit-pool.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serializeCaptureLine } from '../../src/capture/capture-record.js';
import { readInputs, readInputUnits, resolveInputs } from '../../src/capture/read-inputs.js';
import type { RequestResult } from '../../src/engine/audit-request.js';
import { detectorRules } from '../../src/cli/options/detection-options.js';
import { DEFAULT_DETECTORS } from '../../src/detectors/default-detectors.js';
import { hasuraPolicy } from '../../src/policy/packs/hasura/index.js';

/** An in-memory feed: what the proxy of `run` will be, minus the network. */
class MemoryFeed implements CaptureFeed {
  listeners = new Set<(e: FeedEvent) => void>();
  stopped = 0;
  subscribe(listener: (e: FeedEvent) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  async stop() {
    this.stopped++;
  }
  emit(e: FeedEvent) {
    for (const l of this.listeners) l(e);
  }
}

const liveStore = () => createStore(initialState({ size: { columns: 100, rows: 30 }, source: { label: 'live', live: true } }));

describe('feed source', () => {
  it('audits requests as they arrive, in batches, and flushes them before a status', () => {
    const store = liveStore();
    const feed = new MemoryFeed();
    const handle = startFeed(feed, feedAuditor, store.dispatch);
    feed.emit({ type: 'request', request: httpRequest(cliFlat()) });
    feed.emit({ type: 'request', request: httpRequest(cliFlat({ command: 'hasura migrate apply --admin-secret' })) });
    assert.equal(store.getState().results.length, 0, 'batched, not one render per request');
    feed.emit({ type: 'status', message: 'target exited 0; quiet window 2 s' });
    const s = store.getState();
    assert.equal(s.results.length, 2);
    assert.deepEqual(s.results.map((r) => r.verdict), ['warn', 'fail']);
    assert.equal(s.source.status, 'target exited 0; quiet window 2 s');
    void handle;
  });

  it('turns a bypassing connection into a failing result with the feed\'s rule', () => {
    const store = liveStore();
    const feed = new MemoryFeed();
    startFeed(feed, feedAuditor, store.dispatch);
    feed.emit({ type: 'connection', rule: 'live/proxy-bypass', severity: 'error', message: 'bypassed the proxy', host: '2001:db8::1', port: 443, time: '2026-11-02T09:15:02.000Z' });
    feed.emit({ type: 'end', exitCode: 0 });
    const [r] = store.getState().results;
    assert.equal(r!.request.method, 'CONNECT');
    assert.equal(r!.request.url, 'tcp://[2001:db8::1]:443');
    assert.equal(r!.verdict, 'fail');
    assert.deepEqual(r!.findings.map((f) => [f.rule, f.severity, f.message]), [['live/proxy-bypass', 'error', 'bypassed the proxy']]);
    assert.deepEqual(store.getState().source.ended, { exitCode: 0 });
    assert.equal(store.getState().source.active, false);
  });

  it('stopping unsubscribes, flushes what is pending and stops the target', async () => {
    const store = liveStore();
    const feed = new MemoryFeed();
    const handle = startFeed(feed, feedAuditor, store.dispatch);
    feed.emit({ type: 'request', request: httpRequest(cliFlat()) });
    await handle.stop();
    assert.equal(store.getState().results.length, 1);
    assert.equal(feed.stopped, 1);
    assert.equal(feed.listeners.size, 0);
  });

  it('routes scenario events to the opt-out matrix', () => {
    assert.deepEqual(feedEventActions({ type: 'status', message: 'started', scenario: 'env false' }), [
      { type: 'optout/progress', scenario: 'env false', phase: 'running', message: 'started' },
    ]);
    assert.deepEqual(feedEventActions({ type: 'end', scenario: 'env false', exitCode: 0 }), [{ type: 'optout/progress', scenario: 'env false', phase: 'done' }]);
    assert.deepEqual(feedEventActions({ type: 'end', signal: 'SIGTERM' }), [{ type: 'source-ended', signal: 'SIGTERM' }]);
  });
});

describe('replay source', () => {
  it('reads everything, then marks the source done', async () => {
    const store = liveStore();
    async function* requests() {
      for (let i = 0; i < 3; i++) yield httpRequest(cliFlat(), { id: `r${i}` });
    }
    await startReplay(requests(), inThread(audit), store.dispatch).done;
    assert.equal(store.getState().results.length, 3);
    assert.equal(store.getState().source.active, false);
    assert.equal(store.getState().source.error, undefined);
  });

  it('keeps what was read before an input error, and records the error', async () => {
    const store = liveStore();
    async function* requests() {
      yield httpRequest(cliFlat(), { id: 'ok' });
      throw new Error('capture.ndjson:2: malformed capture record');
    }
    await startReplay(requests(), inThread(audit), store.dispatch).done;
    assert.equal(store.getState().results.length, 1);
    assert.equal(store.getState().source.error, 'capture.ndjson:2: malformed capture record');
  });

  it('audited on the worker pool, hands the store the results one thread gives, in input order', async () => {
    const seeds = (await fixtureResults('fixtures/hasura/wire', 'fixtures/hasura/leaky')).map((r) => r.request);
    const input = Array.from({ length: 300 }, (_, i) => ({ ...seeds[i % seeds.length]!, id: `r${i}` }));
    async function* requests() {
      yield* input;
    }
    const recipe = { policy: hasuraPolicy, extraRules: detectorRules(DEFAULT_DETECTORS), terms: [] };
    const pooled = liveStore();
    // All but the first ten through two workers, in small batches that finish out of order.
    await startReplay(requests(), (source, add) => auditInOrder(source, recipe, audit, add, { jobs: 2, batch: 7, startAfter: 10 }), pooled.dispatch).done;
    const here = liveStore();
    await startReplay(requests(), inThread(audit), here.dispatch).done;
    assert.equal(pooled.getState().source.active, false);
    assert.equal(pooled.getState().results.length, input.length);
    pooled.getState().results.forEach((r, i) => {
      assert.equal(r.request, input[i], `result ${i} is for request ${i}`);
      assert.deepEqual({ ...r, request: null }, { ...here.getState().results[i]!, request: null }, `request ${i}`);
    });
    assert.deepEqual(pooled.getState().counts, here.getState().counts);
    assert.ok(here.getState().counts.errors > 0);
  });

  it('reading raw capture lines as inspect does (workers parse them), gives the requests, results and input error one thread gives', async () => {
    const seeds = (await fixtureResults('fixtures/hasura/wire', 'fixtures/hasura/leaky')).map((r) => r.request);
    const lines = Array.from({ length: 400 }, (_, i) => serializeCaptureLine({ ...seeds[i % seeds.length]!, id: `r${i}` }));
    // Each serialized line ends in a newline, so blank lines come between (skipped). A foreign
    // line is audited as a bare payload; a malformed record ends the input after it.
    lines.splice(150, 0, 'not a capture record');
    lines.push('{"method":"POST","url":null,"transport":"http","headers":[],"bodyBase64":"!!"}', serializeCaptureLine(seeds[0]!));
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ta-replay-'));
    try {
      writeFileSync(path.join(dir, 'capture.ndjson'), lines.join('\n') + '\n');
      const sources = await resolveInputs(['capture.ndjson'], dir);
      const recipe = { policy: hasuraPolicy, extraRules: detectorRules(DEFAULT_DETECTORS), terms: [] };
      const pooled = liveStore();
      await startReplay(readInputUnits(sources), (source, add) => auditInOrder(source, recipe, audit, add, { jobs: 2, startAfter: 10, keepsResults: true }), pooled.dispatch).done;
      const here = liveStore();
      await startReplay(readInputs(sources), inThread(audit), here.dispatch).done;
      const [p, h] = [pooled.getState(), here.getState()];
      assert.equal(p.results.length, 401, 'every request before the malformed record');
      assert.equal(h.results.length, 401);
      // The foreign line has no time of its own: it takes the time its source was read.
      const comparable = (r: RequestResult, i: number) => ({ ...r, request: { ...r.request, body: Buffer.from(r.request.body), time: i === 150 ? '' : r.request.time } });
      p.results.forEach((r, i) => assert.deepEqual(comparable(r, i), comparable(h.results[i]!, i), `request ${i}`));
      assert.equal(p.results[150]!.request.url, null, 'the foreign line, as a bare payload');
      assert.deepEqual(p.counts, h.counts);
      assert.match(h.source.error ?? '', /capture\.ndjson:802: malformed capture record/);
      assert.equal(p.source.error, h.source.error);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops reading when cancelled, without marking the source done', async () => {
    const store = liveStore();
    let read = 0;
    async function* requests() {
      for (let i = 0; i < 100_000; i++) {
        read++;
        yield httpRequest(cliFlat(), { id: `r${i}` });
      }
    }
    const replay = startReplay(requests(), inThread(audit), store.dispatch);
    while (read < 50) await new Promise((r) => setImmediate(r));
    replay.cancel();
    await replay.done;
    assert.ok(read < 100_000, `stopped after ${read}`);
    assert.equal(store.getState().source.active, true, 'not done: the user quit');
    assert.equal(store.getState().source.error, undefined);
  });
});
