/**
 * The term side of scanning stays linear on the inputs that were quadratic or crashed
 * (issue 12): "a/" x 5M took hours in TermIndex.findTokens (every pair of slashes was tried as
 * a base64 digest's span); a 6 MB alphanumeric value overflowed the stack in decodeLayers.
 * Linearity is judged against a baseline of a tenth of the input, measured in the same run.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { DEFAULT_DETECTORS } from '../../src/detectors/default-detectors.js';
import { decodeLayers } from '../../src/terms/decode-layers.js';
import { LeakScanner } from '../../src/terms/leak-scanner.js';
import { TermIndex } from '../../src/terms/term-index.js';
import { assertLinear, HOSTILE_10MB, MB } from '../helpers/detector-cases.js';

const TERMS = [
  { value: 'shop-backend', kind: 'identity:cwd-name' },
  { value: '/home/jdoe-dev', kind: 'identity:home-dir' },
  { value: 'zq-canary-7731', kind: 'canary' },
];
// Generous: before the fix the first case alone ran for hours.
const BOUND = { timeout: 180_000 };

describe('linear scanning of hostile text', () => {
  it('TermIndex.find: 10 MB of each hostile input', BOUND, () => {
    const index = new TermIndex(TERMS);
    for (const unit of HOSTILE_10MB) assertLinear(`TermIndex.find on ${JSON.stringify(unit)}`, (t) => index.find(t), unit, 10 * MB);
  });

  it('decodeLayers: 10 MB of each hostile input, and of a repeated base64 blob', BOUND, () => {
    for (const unit of [...HOSTILE_10MB, 'eyJhbGciOi.']) assertLinear(`decodeLayers on ${JSON.stringify(unit)}`, (t) => decodeLayers(t), unit, 10 * MB);
  });

  it('LeakScanner (terms, then detectors on every decoding): 10 MB of each hostile input', BOUND, () => {
    const scanner = new LeakScanner({ terms: TERMS, detectors: DEFAULT_DETECTORS });
    for (const unit of HOSTILE_10MB) {
      assertLinear(`LeakScanner on ${JSON.stringify(unit)}`, (text) => scanner.scan({ location: { part: 'body' }, text }), unit, 10 * MB);
    }
  });

  it('still finds a digest between slashes, and one at the very start of the text', () => {
    const value = 'zq-canary-7731';
    const digest = createHash('sha256').update(value).digest();
    const b64 = digest.toString('base64');
    const url = digest.toString('base64url');
    const index = new TermIndex([{ value, kind: 'canary' }]);
    const path = `${b64}/x/${'a/'.repeat(1000)}${url}/end`;
    const hits = index.find(path).map((m) => [m.encoding, m.start]);
    assert.deepEqual(hits, [
      ['sha256-base64', 0],
      [/[-_]/.test(url) ? 'sha256-base64url' : 'sha256-base64', b64.length + 3 + 2000],
    ]);
  });

  it('a megabyte of one repeated blob decodes to one layer, not one per repeat', () => {
    const blob = Buffer.from('inventory_prod').toString('base64');
    const layers = decodeLayers(`${blob}.`.repeat(70_000));
    assert.deepEqual(layers.map((l) => [l.chain.join('>'), l.text]), [['base64', 'inventory_prod']]);
  });
});
