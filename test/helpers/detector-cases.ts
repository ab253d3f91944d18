/**
 * Table-driven detector tests in the manner of ESLint's RuleTester: `valid` texts produce no
 * hit, each `invalid` text produces exactly the listed values. Plus the linear-time check:
 * every detector scans long adversarial strings (runs of what its expressions match partly, and
 * the inputs that were quadratic or overflowed the stack before) and must scale linearly.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Detector } from '../../src/detectors/detector.js';

export const MB = 1 << 20;

export interface DetectorCases {
  valid: string[];
  invalid: Array<[text: string, values: string[]]>;
  /** Building blocks repeated to 1 MB for the timing test (generic ones are added). */
  adversarial: string[];
}

const GENERIC = ['a', '1', '@', '.', ':', '-', '/', '%', 'a1', '1.', 'a.', 'a@', '1:', 'aa:', 'a-'];
/** Inputs that took minutes or crashed the audit (issue 12): scanned at 10 MB each. */
export const HOSTILE_10MB = ['a/', '/home/', 'aB3xZ9', 'eyJ'];

/** `unit` repeated to `size` characters, as one flat string (a rope would be flattened inside the first timed scan). */
export function repeatTo(unit: string, size = MB): string {
  return Buffer.from(unit.repeat(Math.ceil(size / unit.length)).slice(0, size), 'utf8').toString('utf8');
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
    it('stays linear: 10 MB of each hostile input, 1 MB of each adversarial one, against a 10x smaller baseline', () => {
      for (const unit of HOSTILE_10MB) assertLinear(`${detector.id} on ${JSON.stringify(unit)}`, (t) => detector.detect(t), unit, 10 * MB);
      for (const unit of [...cases.adversarial, ...GENERIC]) assertLinear(`${detector.id} on ${JSON.stringify(unit.slice(0, 40))}`, (t) => detector.detect(t), unit, MB);
    });
  });
}

/**
 * Linear time without a wall-clock bound that a busy machine breaks: the scan of `size`
 * characters is compared with the scan of a tenth of them, measured in the same run (fastest of
 * two each, so one stall or collection does not count). Linear gives ~10x, quadratic ~100x;
 * the test allows 30x. A scan that is fast in absolute terms (the target, 10 MB in under
 * 2 s, scaled to the size, at least 500 ms) passes whatever the ratio: tiny baselines are noise.
 */
export function assertLinear(label: string, scan: (text: string) => unknown, unit: string, size: number): void {
  const small = repeatTo(unit, size / 10);
  const big = repeatTo(unit, size);
  const time = (text: string) => {
    const started = performance.now();
    scan(text);
    return performance.now() - started;
  };
  const absoluteMs = Math.max(500, (2000 * size) / (10 * MB));
  let bigMs = time(big);
  if (bigMs < absoluteMs) return;
  // Slow here: is it the machine (the baseline is slow too) or the scan?
  const smallMs = Math.min(time(small), time(small));
  const fine = (ms: number) => ms < 30 * Math.max(smallMs, 1);
  if (!fine(bigMs)) bigMs = Math.min(bigMs, time(big));
  assert.ok(
    fine(bigMs),
    `${label}: ${(size / MB).toFixed(1)} MB took ${bigMs.toFixed(0)} ms, ${(bigMs / Math.max(smallMs, 0.001)).toFixed(0)}x the ${smallMs.toFixed(1)} ms of a tenth of it`,
  );
}
