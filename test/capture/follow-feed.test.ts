/** `inspect --follow`: tailing an NDJSON capture file as another process appends to it. */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { FeedEvent } from '../../src/capture/capture-feed.js';
import { serializeCaptureLine } from '../../src/capture/capture-record.js';
import { FollowFeed } from '../../src/capture/follow-feed.js';
import { cliFlat, httpRequest } from '../helpers/requests.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ta-follow-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const open: FollowFeed[] = [];
after(async () => {
  for (const feed of open) await feed.stop();
});

function follow(name: string) {
  const file = path.join(dir, name);
  // A long poll interval: the test drives reads with poll() so nothing depends on timing.
  const feed = new FollowFeed(file, name, { pollMs: 60_000 });
  open.push(feed);
  const events: FeedEvent[] = [];
  feed.subscribe((e) => events.push(e));
  const requests = () => events.flatMap((e) => (e.type === 'request' ? [e.request] : []));
  const statuses = () => events.flatMap((e) => (e.type === 'status' ? [e.message] : []));
  return { file, feed, events, requests, statuses };
}

const line = (command: string) => serializeCaptureLine(httpRequest(cliFlat({ command })));

describe('FollowFeed', () => {
  it('waits for the file to appear, then reads each complete line as it is appended', async () => {
    const f = follow('grow.ndjson');
    await f.feed.poll();
    assert.deepEqual(f.statuses(), ['waiting for grow.ndjson to appear']);
    writeFileSync(f.file, line('hasura version'));
    await f.feed.poll();
    assert.equal(f.requests().length, 1);
    const next = line('hasura seed apply');
    appendFileSync(f.file, next.slice(0, 40));
    await f.feed.poll();
    assert.equal(f.requests().length, 1, 'half a line is not a request yet');
    appendFileSync(f.file, next.slice(40) + line('hasura console'));
    await f.feed.poll();
    const reqs = f.requests();
    assert.equal(reqs.length, 3);
    assert.deepEqual(reqs.map((r) => JSON.parse(Buffer.from(r.body).toString()).command), ['hasura version', 'hasura seed apply', 'hasura console']);
    assert.deepEqual(reqs.map((r) => r.id), ['grow.ndjson:1', 'grow.ndjson:2', 'grow.ndjson:3']);
    assert.deepEqual(reqs[2]!.origin, { kind: 'file', file: 'grow.ndjson', format: 'ndjson', line: 3 });
    await f.feed.stop();
    assert.deepEqual(f.events.at(-1), { type: 'end' });
  });

  it('audits a line that is not a capture record as a bare payload, and says when a record is malformed', async () => {
    const f = follow('odd.ndjson');
    writeFileSync(f.file, 'not json at all\n{"method":"POST","url":null,"transport":"http","headers":[["a"]]}\n\n');
    await f.feed.poll();
    const reqs = f.requests();
    assert.equal(reqs.length, 2);
    assert.equal(Buffer.from(reqs[0]!.body).toString(), 'not json at all');
    assert.equal(reqs[0]!.url, null);
    assert.match(f.statuses().join('\n'), /odd\.ndjson:2: malformed capture record \(headers\[0\]/);
    await f.feed.stop();
  });

  it('starts again from the top when the file is truncated', async () => {
    const f = follow('trunc.ndjson');
    writeFileSync(f.file, line('hasura version') + line('hasura console'));
    await f.feed.poll();
    writeFileSync(f.file, line('hasura seed apply'));
    await f.feed.poll();
    assert.equal(f.requests().length, 3);
    assert.equal(f.requests()[2]!.id, 'trunc.ndjson:1');
    assert.ok(f.statuses().some((s) => s.includes('was truncated')));
    await f.feed.stop();
  });

  it('polls by itself', async () => {
    const file = path.join(dir, 'self.ndjson');
    writeFileSync(file, line('hasura version'));
    const feed = new FollowFeed(file, 'self.ndjson', { pollMs: 20 });
    open.push(feed);
    const got = new Promise<FeedEvent>((resolve) => feed.subscribe((e) => e.type === 'request' && resolve(e)));
    appendFileSync(file, '');
    const e = await got;
    assert.equal(e.type, 'request');
    await feed.stop();
  });
});

describe('FollowFeed follows by name and notices rewrites', () => {
  const commands = (f: ReturnType<typeof follow>) => f.requests().map((r) => JSON.parse(Buffer.from(r.body).toString()).command as string);

  it('rotation (mv f f.1; new f): the rest of the old file, then the new file, and the UI is told', async () => {
    const f = follow('rot.ndjson');
    writeFileSync(f.file, line('hasura version'));
    await f.feed.poll();
    // Appended just before the rotation, then the file moves away and a new one takes its name.
    appendFileSync(f.file, line('hasura old-tail'));
    renameSync(f.file, f.file + '.1');
    writeFileSync(f.file, line('hasura new-one'));
    await f.feed.poll();
    assert.deepEqual(commands(f), ['hasura version', 'hasura old-tail', 'hasura new-one']);
    assert.ok(f.statuses().some((s) => /rot\.ndjson was replaced by a new file/.test(s)), f.statuses().join('\n'));
    appendFileSync(f.file, line('hasura newer'));
    await f.feed.poll();
    assert.deepEqual(commands(f).slice(-1), ['hasura newer']);
    await f.feed.stop();
  });

  it('truncate-and-refill within one poll, to the same size or larger, is read again', async () => {
    const f = follow('refill.ndjson');
    writeFileSync(f.file, line('hasura aaaaaa'));
    await f.feed.poll();
    // Same length, different content: the size alone cannot tell.
    writeFileSync(f.file, line('hasura bbbbbb'));
    await f.feed.poll();
    // Larger, with the same first line: the end of what was read differs.
    writeFileSync(f.file, line('hasura bbbbbx') + line('hasura cccccc'));
    await f.feed.poll();
    assert.deepEqual(commands(f), ['hasura aaaaaa', 'hasura bbbbbb', 'hasura bbbbbx', 'hasura cccccc']);
    assert.ok(f.statuses().filter((s) => /truncated and rewritten/.test(s)).length === 2, f.statuses().join('\n'));
    await f.feed.stop();
  });
});
