/** The `/` filter language, term by term, on real audit results. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { haystackOf, parseFilter, tokenize } from '../../src/tui/state/filter.js';
import type { RequestResult } from '../../src/engine/audit-request.js';
import { cliFlat, httpRequest } from '../helpers/requests.js';
import { audit, fixtureResults } from '../helpers/tui-session.js';
import { FilterIndex, filterPositions } from '../../src/tui/state/filter-index.js';

const clean = audit(httpRequest(cliFlat(), { id: 'clean' }));
const flags = audit(httpRequest(cliFlat({ command: 'hasura migrate apply --admin-secret' }), { id: 'flags' }));
const unknown = audit(httpRequest({ hello: 'world' }, { id: 'unknown' }));
const elsewhere = audit(httpRequest(cliFlat(), { id: 'elsewhere', url: 'https://collector.example.net/v1/http' }));
const skipped = audit(httpRequest(cliFlat(), { id: 'local', url: 'http://127.0.0.1:8080/v1/metadata' }));
const all = [clean, flags, unknown, elsewhere, skipped];

function ids(query: string, results: RequestResult[] = all): string[] {
  const f = parseFilter(query);
  assert.ok(f.ok, `filter "${query}" should parse`);
  return results.filter((r) => f.test(r, haystackOf(r))).map((r) => r.request.id);
}

describe('filter', () => {
  it('splits terms on spaces and keeps quoted text together', () => {
    assert.deepEqual(tokenize('kind:cli  body:"a b" -x'), ['kind:\u0000cli', 'body:\u0000a b', '-\u0000x']);
  });

  it('an empty filter keeps everything', () => {
    assert.deepEqual(ids('   '), all.map((r) => r.request.id));
    const f = parseFilter('');
    assert.ok(f.ok && f.empty);
  });

  it('kind: matches a kind prefix; kind:unknown the unclassified (not the skipped)', () => {
    assert.deepEqual(ids('kind:cli-f'), ['clean', 'flags', 'elsewhere']);
    assert.deepEqual(ids('kind:unknown'), ['unknown']);
    assert.deepEqual(ids('kind:console'), []);
  });

  it('verdict: takes a comma list, and refuses a verdict that does not exist', () => {
    assert.deepEqual(ids('verdict:fail'), ['flags', 'unknown', 'elsewhere']);
    assert.deepEqual(ids('verdict:warn,skip'), ['clean', 'local']);
    const bad = parseFilter('verdict:failed');
    assert.equal(bad.ok, false);
    assert.match(!bad.ok ? bad.error : '', /verdict:failed/);
  });

  it('rule: matches part of a finding rule id', () => {
    assert.deepEqual(ids('rule:command-flags'), ['flags']);
    assert.deepEqual(ids('rule:destination'), ['elsewhere']);
  });

  it('body: searches the bytes as sent, so a gzipped body does not match its decoded text', () => {
    const gz = audit(httpRequest(cliFlat({ command: 'hasura seed apply' }), { id: 'gz', gzip: true }));
    const plain = audit(httpRequest(cliFlat({ command: 'hasura seed apply' }), { id: 'plain' }));
    assert.deepEqual(ids('body:admin-secret'), ['flags']);
    assert.deepEqual(ids('body:"seed apply"', [gz, plain, clean]), ['plain']);
    assert.deepEqual(ids('body:"Seed apply"', [plain]), [], 'bytes are matched exactly');
    assert.equal(parseFilter('body:""').ok, false);
  });

  it('free text matches id, method, destination, kind, verdict, rules and origin, case-insensitively; -term negates', () => {
    assert.deepEqual(ids('COLLECTOR.example'), ['elsewhere']);
    assert.deepEqual(ids('127.0.0.1'), ['local']);
    assert.deepEqual(ids('-verdict:fail -kind:unknown'), ['clean', 'local']);
    assert.deepEqual(ids('http://127'), ['local'], 'a URL scheme is not taken for a filter key');
    assert.deepEqual(ids('kind:cli verdict:fail rule:destination'), ['elsewhere'], 'terms are ANDed');
  });
});

describe('filter answered from the per-field lists', () => {
  const queries = [
    'kind:cli', 'kind:c', 'kind:server', 'kind:unknown', 'kind:nothing', '-kind:cli', '-kind:unknown',
    'verdict:fail', 'verdict:warn,pass', '-verdict:fail', 'rule:e', 'rule:destination', '-rule:command',
    'kind:cli verdict:fail', 'kind:cli -verdict:fail', 'verdict:fail rule:destination', 'collector', 'kind:cli collector',
    '-kind:cli -verdict:pass', 'kind:cli body:admin', 'verdict:fail elsewhere -rule:destination', 'post', '-post', 'kind:s kind:se',
  ];

  it('gives the same requests, in order, as testing each request with the filter', async () => {
    const results = [...(await fixtureResults('fixtures/hasura')), ...all, ...all];
    const haystacks = results.map(haystackOf);
    const index = FilterIndex.extended(new FilterIndex(), results, 0);
    let nonEmpty = 0;
    for (const q of queries) {
      const f = parseFilter(q);
      assert.ok(f.ok, q);
      const expected = results.flatMap((r, i) => (f.test(r, haystacks[i]!) ? [i] : []));
      if (expected.length > 0 && expected.length < results.length) nonEmpty++;
      assert.deepEqual(filterPositions(f.terms, results, index, results.length), expected, q);
      // A state with fewer results reads only its own positions from the shared lists.
      const n = Math.floor(results.length / 2);
      assert.deepEqual(filterPositions(f.terms, results, index, n), expected.filter((i) => i < n), `${q} (first ${n})`);
    }
    assert.ok(nonEmpty > queries.length / 2, 'most queries select some requests and leave others');
  });

  it('an index extended in batches equals one built at once, and a branch gets its own', () => {
    const results = [...all, ...all, ...all];
    const whole = FilterIndex.extended(new FilterIndex(), results, 0);
    let grown = new FilterIndex();
    for (let base = 0; base < results.length; base += 4) grown = FilterIndex.extended(grown, results.slice(0, base + 4), base);
    // Extending from an older point (a branch) must not reuse the lists that hold later results.
    const branched = [...results.slice(0, 5), flags];
    const branch = FilterIndex.extended(grown, branched, 5);
    assert.notEqual(branch, grown);
    const f = parseFilter('-verdict:fail');
    assert.ok(f.ok);
    assert.deepEqual(filterPositions(f.terms, results, grown, results.length), filterPositions(f.terms, results, whole, results.length));
    // Position 5 is a failing request on the branch (a clean one in the grown index).
    assert.deepEqual(filterPositions(f.terms, branched, branch, 6), [0, 4]);
    // The per-position haystacks and previous-of-kind links too.
    const each = <T>(n: number, at: (i: number) => T) => Array.from({ length: n }, (_, i) => at(i));
    assert.deepEqual(each(results.length, (i) => grown.haystack(i)), results.map(haystackOf));
    assert.deepEqual(each(results.length, (i) => grown.previousOf(i)), each(results.length, (i) => whole.previousOf(i)));
    assert.ok(each(results.length, (i) => whole.previousOf(i)).some((p) => p >= 0), 'some requests have a previous one of their kind');
    assert.deepEqual(each(6, (i) => branch.haystack(i)), branched.map(haystackOf));
    assert.deepEqual(whole.failing(results.length), results.flatMap((r, i) => (r.verdict === 'fail' ? [i] : [])));
    assert.deepEqual(whole.failing(5), results.slice(0, 5).flatMap((r, i) => (r.verdict === 'fail' ? [i] : [])));
  });
});
