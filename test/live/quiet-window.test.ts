/**
 * The quiet window of a live session: the proxy stays open after the target's tree is gone, so
 * what a process that escaped the tree sends late is still captured; stop() cuts the window
 * short; without a window the session ends as `run` always has.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { LiveSession } from '../../src/live/live-session.js';
import { RUN_ID_ENV } from '../../src/live/child-env.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { EventLog } from '../helpers/live.js';

// The command exits at once; a detached child without the run's marker (so nothing waits for
// it) posts after DELAY ms. Its proxy variables and preload still route it to the proxy.
const DELAY = 600;
const SCRIPT = path.join(mkdtempSync(path.join(os.tmpdir(), 'ta-quiet-')), 'late.cjs');
writeFileSync(
  SCRIPT,
  `const { spawn } = require('node:child_process');
if (process.argv[2] === 'late') {
  setTimeout(() => fetch('http://telemetry.example.test/late', { method: 'POST', body: '{"late":true}' }).catch(() => {}), ${DELAY});
} else {
  const env = { ...process.env };
  delete env.${RUN_ID_ENV};
  spawn(process.execPath, [__filename, 'late'], { env, detached: true, stdio: 'ignore' }).unref();
}
`,
);

async function session(quietWindowMs: number | undefined): Promise<{ s: LiveSession; log: EventLog }> {
  const s = await LiveSession.create({
    command: [process.execPath, SCRIPT],
    env: { PATH: process.env.PATH ?? '' },
    cwd: REPO_ROOT,
    trace: 'off',
    proxyThread: false,
    captureOutput: true,
    ...(quietWindowMs !== undefined ? { quietWindowMs } : {}),
  });
  const log = new EventLog();
  s.subscribe(log.push);
  return { s, log };
}

describe('live session quiet window', () => {
  it('captures what a straggler sends after the target has exited', async () => {
    const { s, log } = await session(3000);
    await s.start();
    const exit = await s.exited;
    assert.equal(exit?.code, 0);
    await log.waitFor('the late request', () => log.requests().length === 1, 5000);
    await s.stop();
    assert.equal(log.requests()[0]!.url, 'http://telemetry.example.test/late');
    assert.ok(log.events.some((e) => e.type === 'status' && /quiet window/.test(e.message)));
  });

  it('without one, the session ends with the tree and the straggler is not waited for', async () => {
    const { s, log } = await session(undefined);
    await s.start();
    await s.done;
    await new Promise((r) => setTimeout(r, DELAY + 400));
    assert.equal(log.requests().length, 0);
  });

  it('stop() during the window ends the session at once', async () => {
    const { s } = await session(60_000);
    await s.start();
    await s.exited;
    const t0 = Date.now();
    await s.stop();
    assert.ok(Date.now() - t0 < 30_000, 'the 60 s window was cut short');
  });
});
