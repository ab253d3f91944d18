import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { headerValues } from '../../src/capture/captured-request.js';
import { auditRequest } from '../../src/engine/audit-request.js';
import { compilePolicy } from '../../src/engine/compiled-policy.js';
import { LiveSession } from '../../src/live/live-session.js';
import { hasuraPolicy } from '../../src/policy/packs/hasura/index.js';
import { REPO_ROOT } from '../helpers/paths.js';

const LOAD = path.join(REPO_ROOT, 'dist', 'bench', 'workers', 'proxy-load.js');
const TOTAL = 10_000;
const IN_FLIGHT = 100;

describe('load: the proxy loses nothing', () => {
  it(`captures and audits every one of ${TOTAL.toLocaleString('en')} requests sent ${IN_FLIGHT} at a time by another process`, { timeout: 180_000 }, async (t) => {
    const session = await LiveSession.create({ env: {}, cwd: REPO_ROOT });
    const policy = compilePolicy(hasuraPolicy);
    const seqs = new Set<string>();
    let captured = 0;
    let audited = 0;
    session.subscribe((e) => {
      if (e.type !== 'request') return;
      captured++;
      for (const s of headerValues(e.request, 'x-bench-seq')) seqs.add(s);
      if (auditRequest(e.request, policy).verdict !== 'skipped') audited++;
    });
    await session.start();
    const load = await new Promise<{ ok: number; failed: number; ms: number }>((resolve, reject) =>
      execFile(process.execPath, [LOAD, String(session.proxy.port), 'proxy', String(TOTAL), String(IN_FLIGHT)], { timeout: 170_000 }, (err, stdout) =>
        err ? reject(err) : resolve(JSON.parse(stdout.trim().split('\n').pop()!) as { ok: number; failed: number; ms: number }),
      ),
    );
    await session.stop();
    assert.deepEqual({ ok: load.ok, failed: load.failed }, { ok: TOTAL, failed: 0 }, 'every request was answered');
    assert.equal(captured, TOTAL, 'every request was captured once');
    assert.equal(seqs.size, TOTAL, 'no request was lost or duplicated');
    assert.equal(audited, TOTAL, 'every capture was audited');
    t.diagnostic(`${TOTAL} requests, ${IN_FLIGHT} in flight: ${Math.round(load.ms)} ms, ${Math.round(TOTAL / (load.ms / 1000))} req/s`);
  });
});
