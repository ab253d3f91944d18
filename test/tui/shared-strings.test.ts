/** The inspector shares repeated strings of the results it keeps: nothing a reader sees may change. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SharedStrings } from '../../src/tui/sources/shared-strings.js';
import { fixtureResults } from '../helpers/tui-session.js';

describe('shared strings', () => {
  it('leave every result equal to what it was, findings and request included', async () => {
    const results = await fixtureResults('fixtures/hasura/wire', 'fixtures/hasura/leaky');
    assert.ok(results.some((r) => r.findings.length > 0));
    const before = JSON.stringify(results);
    const copy = (r: (typeof results)[number]) => ({ ...r, request: { ...r.request }, findings: r.findings.map((f) => ({ ...f, location: { ...f.location } })) });
    const shared = new SharedStrings();
    // Twice over, so every result meets an earlier one of its kind with the same strings.
    const again = results.map(copy);
    const after = [...results, ...again].map((r) => shared.share(r));
    assert.equal(JSON.stringify(after.slice(0, results.length)), before);
    assert.equal(JSON.stringify(after.slice(results.length)), before);
  });
});
