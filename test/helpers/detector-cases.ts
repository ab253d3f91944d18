/**
 * Table-driven detector tests in the manner of ESLint's RuleTester: `valid` texts produce no
 * hit, each `invalid` text produces exactly the listed values. Plus the linear-time check: every
 * detector gets 1 MB adversarial strings (long runs of what its expressions match partly) and
 * must finish each within ADVERSARIAL_BOUND_MS. The bound is generous (the real time is a few
 * milliseconds) so a loaded CI machine does not flake, while a quadratic expression takes minutes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Detector } from '../../src/detectors/detector.js';

export const ADVERSARIAL_BOUND_MS = 1000;
export const MB = 1 << 20;

export interface DetectorCases {
  valid: string[];
  invalid: Array<[text: string, values: string[]]>;
  /** Building blocks repeated to 1 MB for the timing test (generic ones are added). */
  adversarial: string[];
}

const GENERIC = ['a', '1', '@', '.', ':', '-', '/', '%', 'a1', '1.', 'a.', 'a@', '1:', 'aa:', 'a-'];

export function repeatTo(unit: string, size = MB): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

export function runDetectorCases(detector: Detector, cases: DetectorCases): void {
  describe(`detector ${detector.id}`, () => {
    it('has id, severity, title and description', () => {
      assert.match(detector.id, /^[a-z]+\/[a-z0-9-]+$/);
      assert.ok(['error', 'warning'].includes(detector.severity));
      assert.ok(detector.title.length > 3 && detector.description.length > 20);
    });
    for (const text of cases.valid) {
      it(`valid: ${JSON.stringify(text).slice(0, 90)}`, () => {
        assert.deepEqual(detector.detect(text).map((h) => h.value), []);
      });
    }
    for (const [text, values] of cases.invalid) {
      it(`invalid: ${JSON.stringify(text).slice(0, 90)}`, () => {
        const hits = detector.detect(text);
        assert.deepEqual(hits.map((h) => h.value), values);
        for (const h of hits) assert.equal(text.slice(h.index, h.index + h.value.length), h.value, 'index points at the value');
      });
    }
    it(`stays linear: each 1 MB adversarial input in < ${ADVERSARIAL_BOUND_MS} ms`, () => {
      for (const unit of [...cases.adversarial, ...GENERIC]) {
        const text = repeatTo(unit);
        const started = performance.now();
        detector.detect(text);
        const ms = performance.now() - started;
        assert.ok(ms < ADVERSARIAL_BOUND_MS, `${ms.toFixed(0)} ms on ${JSON.stringify(unit.slice(0, 40))} x ${Math.round(MB / unit.length)}`);
      }
    });
  });
}
