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
import { mulberry32 } from '../operators/lib/random/mulberry32.ts';

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
export const stream = mulberry32;

/** A standard normal draw from a uniform generator: one uniform through an inverse-CDF table. */
export function normal(r: () => number): number {
  return NORMAL_TABLE[(r() * NORMAL_TABLE.length) | 0];
}

// 8192 equiprobable quantiles of N(0, 1) (bin midpoints): one draw per normal instead of several,
// which matters when a full market of paths is generated at start-up; tails are cut at ~3.8σ.
const NORMAL_TABLE = Float64Array.from({ length: 8192 }, (_, i) => inverseNormal((i + 0.5) / 8192));

/** Acklam's rational approximation of the standard normal quantile (|error| < 1.2e-9). */
function inverseNormal(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    );
  }
  if (p > 1 - lo) return -inverseNormal(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}

/** Rounds half away from zero to `d` decimals, with an epsilon so 2.675 → 2.68 as exchanges quote. */
export function round(x: number, d: number): number {
  const f = 10 ** d;
  return (Math.sign(x) * Math.round(Math.abs(x) * f + 1e-9)) / f;
}
