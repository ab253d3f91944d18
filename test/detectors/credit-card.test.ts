import assert from 'node:assert/strict';
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
  ],
  invalid: [
    ['card 4111 1111 1111 1111 exp', ['4111 1111 1111 1111']],
    ['{"pan":"5500-0000-0000-0004"}', ['5500-0000-0000-0004']],
    ['amex 378282246310005', ['378282246310005']],
    ['4012888888881881', ['4012888888881881']],
  ],
  adversarial: ['1 ', '1-', '4111 ', '41111111111111111111 '],
});

it('computes the Luhn checksum', () => {
  assert.equal(luhnValid('79927398713'), true);
  assert.equal(luhnValid('79927398710'), false);
});
