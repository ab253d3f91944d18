import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { creditCardDetector, luhnValid } from '../../src/detectors/credit-card.js';
import { runDetectorCases } from '../helpers/detector-cases.js';

runDetectorCases(creditCardDetector, {
  valid: [
    '4111111111111112',
    '1793610902000',
    '4294967296',
    '4444444444444444',
    '1234567812345670',
    '4111 1111-1111 1111',
    '41111111111111110000',
    '"collectionTag":1793610902',
    // Luhn-valid, known-issuer digit runs inside random UUIDs and other tokens (issue 12).
    '{"id":"03ff7e36-4111-1111-1111-111195c8c0c1"}',
    'e549-7556-4937-9898-7a0b',
    '12345678-4111-1111-1111-111111111111',
    'build_4111111111111111',
    'sha-4111111111111111-x',
    'ab4111111111111111',
  ],
  invalid: [
    ['card 4111 1111 1111 1111 exp', ['4111 1111 1111 1111']],
    ['{"pan":"5500-0000-0000-0004"}', ['5500-0000-0000-0004']],
    ['amex 378282246310005', ['378282246310005']],
    ['4012888888881881', ['4012888888881881']],
    ['pan=4111111111111111.', ['4111111111111111']],
    ['(4111 1111 1111 1111)', ['4111 1111 1111 1111']],
  ],
  adversarial: ['1 ', '1-', '4111 ', '41111111111111111111 '],
});

it('finds no card in 1,000,000 random v4 UUIDs (one in ~4,000 matched before)', () => {
  // Batched: 1,000 UUIDs a text, separated the way a JSON array separates them.
  let found: string[] = [];
  for (let batch = 0; batch < 1000; batch++) {
    const uuids: string[] = [];
    for (let i = 0; i < 1000; i++) uuids.push(randomUUID());
    found = found.concat(creditCardDetector.detect(JSON.stringify(uuids)).map((h) => h.value));
  }
  assert.deepEqual(found, []);
});

it('computes the Luhn checksum', () => {
  assert.equal(luhnValid('79927398713'), true);
  assert.equal(luhnValid('79927398710'), false);
});
