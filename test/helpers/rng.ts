/**
 * A small deterministic generator (xorshift32) for property tests, so a failing case can be
 * reproduced from its seed: `rng(seed)(n)` is a whole number in 0 … n-1.
 */
export function rng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n: number) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}
