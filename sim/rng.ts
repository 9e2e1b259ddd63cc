/**
 * Deterministic randomness for the simulator. Everything the market model draws comes from a
 * seed plus a key (symbol, date, purpose), so one seed always yields the same market, whatever
 * order requests arrive in.
 *
 * @example
 * const r = stream(hash(42, '600519.SH'));
 * const u = r(); // [0, 1)
 * const same = unit(42, 'fault', 7) === unit(42, 'fault', 7); // true
 */

/** 32-bit FNV-1a style hash of a seed and keys, finished with a murmur3 avalanche. */
export function hash(seed: number, ...keys: (string | number)[]): number {
  let h = (2166136261 ^ (seed >>> 0)) >>> 0;
  for (const k of keys) {
    const s = typeof k === 'number' ? String(k) : k;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 16777619);
    }
    h ^= 0x9e3779b9;
    h = Math.imul(h, 16777619);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform number in [0, 1) fixed by the seed and keys. */
export function unit(seed: number, ...keys: (string | number)[]): number {
  return hash(seed, ...keys) / 4294967296;
}

/** A sequential generator (mulberry32): fast, for generating a whole price path. */
export function stream(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw from a uniform generator (Box-Muller). */
export function normal(r: () => number): number {
  // Irwin–Hall with 4 uniforms, scaled to unit variance: cheap, bounded tails (±3.46σ) are fine
  // for a price model whose moves are clamped by the price limits anyway.
  return (r() + r() + r() + r() - 2) * 1.7320508075688772;
}

/** Rounds half away from zero to `d` decimals, with an epsilon so 2.675 → 2.68 as exchanges quote. */
export function round(x: number, d: number): number {
  const f = 10 ** d;
  return (Math.sign(x) * Math.round(Math.abs(x) * f + 1e-9)) / f;
}
