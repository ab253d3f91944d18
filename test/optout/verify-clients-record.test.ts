/**
 * The recorded real-client matrices (fixtures/clients/clients.json) and how verify:clients judges
 * a run against them: the pack's expectation is what the docs promise, the record is what the
 * client did, and a measurement that moves either way is a difference.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { CLIENT_PACKS } from '../../src/optout/packs/clients/index.js';
import { FIXTURES, REPO_ROOT } from '../helpers/paths.js';

interface Row { expected: string; outcome: string; status: string }
interface Recorded { pinned: string; trigger: string[]; matrix: Record<string, Row>; exit: number }
type Compare = (recorded: Recorded, measured: { rows: Record<string, Row>; bypasses: number; exit: number | null }) => { differences: string[] };

const recorded = JSON.parse(readFileSync(path.join(FIXTURES, 'clients', 'clients.json'), 'utf8')) as Record<string, Recorded>;
const loadCompare = async (): Promise<Compare> =>
  ((await import(pathToFileURL(path.join(REPO_ROOT, 'scripts', 'verify-clients-compare.mjs')).href)) as { compareMatrix: Compare }).compareMatrix;

describe('recorded real-client matrices', () => {
  it('one record per built-in client pack, every scenario in it, expecting what the pack (the docs) expects', () => {
    assert.deepEqual(Object.keys(recorded).sort(), Object.keys(CLIENT_PACKS).sort());
    for (const [name, pack] of Object.entries(CLIENT_PACKS)) {
      const rec = recorded[name]!;
      assert.deepEqual(Object.keys(rec.matrix), pack.scenarios.map((s) => s.name), `${name}: scenarios`);
      for (const s of pack.scenarios) assert.equal(rec.matrix[s.name]!.expected, s.informational ? `${s.expect} (info)` : s.expect, `${name}/${s.name}`);
      assert.match(pack.target.notes ?? '', new RegExp(rec.pinned.replace(/[.@/]/g, '\\$&')), `${name}: the pack names its pin`);
    }
  });

  it('a promised row the client broke is recorded as failing, and the run\'s exit says so', () => {
    for (const [name, rec] of Object.entries(recorded)) {
      const failed = Object.values(rec.matrix).filter((r) => r.status === 'fail');
      const inconclusive = Object.values(rec.matrix).filter((r) => r.status === 'inconclusive');
      // A control that sent nothing makes the run inconclusive whatever else happened (Gatsby).
      const silentControl = rec.matrix.control!.outcome !== 'sent';
      assert.equal(rec.exit, silentControl ? 3 : failed.length > 0 ? 1 : inconclusive.length > 0 ? 3 : 0, `${name}: exit ${rec.exit}`);
      for (const r of Object.values(rec.matrix)) {
        // A pass is the promise kept; a mismatch between promise and outcome is never a pass.
        if (r.status === 'pass') assert.equal(r.outcome, r.expected === 'send' ? 'sent' : 'suppressed', name);
      }
    }
  });

  it('verify:clients: the record matches itself; a client that keeps a broken promise, breaks a kept one, bypasses or exits otherwise differs', async () => {
    const compare = await loadCompare();
    for (const [name, rec] of Object.entries(recorded)) {
      assert.deepEqual(compare(rec, { rows: rec.matrix, bypasses: 0, exit: rec.exit }).differences, [], name);
    }
    const angular = recorded.angular!;
    // Angular's `ng analytics disable` sends (recorded fail): if a release stops sending, the record is stale.
    const kept = { ...angular.matrix, 'analytics-disable': { expected: 'suppress', outcome: 'suppressed', status: 'pass' } };
    assert.deepEqual(compare(angular, { rows: kept, bypasses: 0, exit: angular.exit }).differences, ['analytics-disable: measured suppressed (pass), recorded sent (fail)']);
    const leaked = { ...angular.matrix, 'env-false': { expected: 'suppress', outcome: 'sent', status: 'fail' } };
    assert.equal(compare(angular, { rows: leaked, bypasses: 0, exit: 1 }).differences.length, 1);
    assert.match(compare(angular, { rows: angular.matrix, bypasses: 2, exit: angular.exit }).differences.join(), /2 connection attempt\(s\) went around the proxy/);
    assert.deepEqual(compare(angular, { rows: angular.matrix, bypasses: 0, exit: 0 }).differences, [`optout exit 0, recorded ${angular.exit}`]);
    const { control: _, ...withoutControl } = angular.matrix;
    assert.deepEqual(compare(angular, { rows: withoutControl, bypasses: 0, exit: angular.exit }).differences, ['control: recorded, missing from the run']);
  });
});
