/**
 * `optout` sealed: every scenario in its own namespace, proxy-ignoring emitters captured in the
 * control and suppressed by the opt-out, and a matrix that does not change between identical runs
 * even when the control sends within 0.5 s of exiting. Every run happens inside an outer network
 * namespace with only `lo` that counts what tries to leave it (see helpers/sealed.ts).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { FIXTURES } from '../helpers/paths.js';
import { runCliInOuterNamespace, sealedSkip } from '../helpers/sealed.js';

const DIR = path.join(FIXTURES, 'emitters', 'proxy-ignoring');
const PACK = path.join(DIR, 'optout-pack.yaml');
const TIMEOUT = { timeoutMs: 300_000 };

interface Report {
  notes: string[];
  requests: Array<{ url: string; origin: { scenario?: string } }>;
  optout: { scenarios: Array<{ name: string; outcome: string }> };
}

async function sealedOptout(command: string[]): Promise<{ report: Report; escapes: number; stderr: string }> {
  const r = await runCliInOuterNamespace(['optout', '--sealed', '--no-local-identity', '--format', 'json', '--pack', PACK, '--', ...command], TIMEOUT);
  let report: Report;
  try {
    report = JSON.parse(r.stdout) as Report;
  } catch {
    throw new Error(`no JSON report (exit ${r.code}): ${r.stderr.slice(-2000)}`);
  }
  return { report, escapes: r.escapes, stderr: r.stderr };
}

const outcomes = (r: Report) => Object.fromEntries(r.optout.scenarios.map((s) => [s.name, s.outcome]));

describe('optout, sealed', () => {
  it('captures every proxy-ignoring emitter in the control, each destination named; the opt-out suppresses them; nothing leaves', async (t) => {
    const skip = sealedSkip();
    if (skip) return t.skip(skip);
    const { report, escapes, stderr } = await sealedOptout(['sh', path.join(DIR, 'all.sh')]);
    assert.equal(escapes, 0, stderr);
    assert.ok(report.notes.some((n) => n.startsWith('contained: sealed, each scenario in its own namespace')));
    assert.deepEqual(outcomes(report), { control: 'sent', 'env-optout': 'suppressed' });
    assert.deepEqual(
      report.requests.map((q) => `${q.origin.scenario} ${q.url}`).sort(),
      [
        'https://update-check.example/v1/ping',
        'https://ingest.telemetry.test/v2/collect',
        'http://metrics.example/v1/events',
        'http://198.51.100.20:8080/collect',
        'https://collector.telemetry.test/api/v1/track',
      ]
        .map((u) => `control ${u}`)
        .sort(),
    );
  });

  it('gives the same matrix 20 times out of 20 when the control sends within 0.5 s of exiting', async (t) => {
    const skip = sealedSkip();
    if (skip) return t.skip(skip);
    const runs = 20;
    const seen: string[] = [];
    let escapes = 0;
    let next = 0;
    // Two at a time: identical runs side by side are part of what must not change the matrix.
    await Promise.all(
      [0, 1].map(async () => {
        while (next < runs) {
          next++;
          const r = await sealedOptout(['node', path.join(DIR, 'late-sender.mjs')]);
          escapes += r.escapes;
          seen.push(JSON.stringify({ outcomes: outcomes(r.report), urls: r.report.requests.map((q) => `${q.origin.scenario} ${q.url}`) }));
        }
      }),
    );
    assert.equal(escapes, 0);
    const expected = JSON.stringify({ outcomes: { control: 'sent', 'env-optout': 'suppressed' }, urls: ['control http://203.0.113.40/v1/late'] });
    assert.deepEqual(seen, Array(runs).fill(expected));
  });
});
