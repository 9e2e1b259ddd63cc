/**
 * mulberry32: a tiny, fast, seeded PRNG. Everything that must be reproducible by seed (the
 * simulator's markets and faults, injected gaps, test fixtures, benchmark data) draws from it.
 *
 * @example
 * const next = mulberry32(42);
 * next(); // a number in [0, 1), the same for the same seed
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
