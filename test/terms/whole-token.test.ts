/**
 * Identity terms match raw text only as whole tokens, and not as the product name of a
 * User-Agent (issue 12: a cwd named "turbo", "nuxt" or "live" fired in "keep-alive",
 * "cliVersion", "turbo/2.x" and JSON keys). Canaries and project names still match anywhere,
 * and encoded identity forms are unaffected.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { TextPart } from '../../src/engine/request-parts.js';
import { isWholeToken, LeakScanner } from '../../src/terms/leak-scanner.js';

const scanner = new LeakScanner({
  terms: [
    { value: 'live', kind: 'identity:cwd-name' },
    { value: 'turbo', kind: 'identity:cwd-name' },
    { value: 'zq-canary-7731', kind: 'canary' },
    { value: 'customers', kind: 'metadata:table' },
  ],
  detectors: [],
});
const found = (text: string, location: TextPart['location'] = { part: 'body', path: '$.x' }) =>
  scanner.scan({ location, text }).map((h) => `${h.matched}:${h.encoding}`);

describe('whole-token identity terms', () => {
  it('does not match inside words, camelCase keys or hyphenated words', () => {
    assert.deepEqual(found('keep-alive'), []);
    assert.deepEqual(found('cliVersion'), []);
    assert.deepEqual(found('turboVersion'), []);
    assert.deepEqual(found('liveness_probe'), []);
    assert.deepEqual(found('{"deliver":1,"turbocharged":true}'), []);
  });

  it('does not match the product name of a User-Agent, but does elsewhere in it', () => {
    assert.deepEqual(found('turbo/2.3.1 linux x64', { part: 'header', name: 'user-agent' }), []);
    assert.deepEqual(found('node/20 (dir turbo)', { part: 'header', name: 'user-agent' }), ['identity:cwd-name:raw']);
    assert.deepEqual(found('turbo/2.3.1', { part: 'header', name: 'x-client' }), ['identity:cwd-name:raw']);
  });

  it('matches whole tokens: path segments, values, words in a sentence', () => {
    assert.deepEqual(found('/srv/turbo/app'), ['identity:cwd-name:raw']);
    assert.deepEqual(found('Turbo'), ['identity:cwd-name:raw']);
    assert.deepEqual(found('deploying live now'), ['identity:cwd-name:raw']);
    assert.deepEqual(found('x.live:y'), ['identity:cwd-name:raw']);
    assert.deepEqual(found('/home/runner/work/graphql-turbo/cli'), [], 'part of a hyphenated name');
  });

  it('still finds encoded identity forms, and canaries and project names inside longer text', () => {
    const sha = createHash('sha256').update('turbo').digest('hex');
    assert.deepEqual(found(`id=${sha}`), ['identity:cwd-name:sha256-hex']);
    assert.deepEqual(found('xzq-canary-7731y'), ['canary:raw']);
    assert.deepEqual(found('top_loyal_customers'), ['metadata:table:raw']);
  });

  it('isWholeToken judges only edges that are word characters', () => {
    assert.equal(isWholeToken('a/home/x', 1, 6), true);
    assert.equal(isWholeToken('ab', 0, 1), false);
    assert.equal(isWholeToken('a b', 0, 1), true);
    assert.equal(isWholeToken('éa', 1, 2), false);
  });
});
