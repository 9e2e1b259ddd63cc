/**
 * The decimal(·, s) of a large JS number without its text. `toUnscaled` (values.ts) defines a
 * number's decimal as its shortest round-trip text (`String(v)`) rounded half-even to `s` fraction
 * digits; its cheap product rule (`Math.round(v·10^s)`) only holds while v·10^s is far below 2^50,
 * so a market value of 8e11 at scale 4 went through `String(v)` and a text parse (~0.5 µs).
 *
 * Here the shortest text is reasoned about instead of printed. Scaled by 10^s, the numbers that
 * read back as `v` form the open interval X ± h around X = v·10^s, h = ulp(v)·10^s/2. The shortest
 * text is the point of the coarsest decimal grid (10^j scaled units) inside that interval, the one
 * nearest X (ECMAScript Number::toString). Once h > 0.05 the grid of 0.1 always has a point inside,
 * so only the grids 10^s … 1, 0.1 need checking:
 * - a scaled integer inside: the text has ≤ s fraction digits and is that integer, no rounding;
 * - none: the text has s+1 fraction digits, the multiple of 0.1 nearest X, rounded half-even.
 * Every quantity is exact in doubles (v = whole + fraction, the fraction times 10^s, see the bounds
 * at {@link splitUnscaled}). Two equally near candidates are resolved as V8 prints them (the
 * even last digit). What would need the finer rules of the shortest-text algorithm (a candidate
 * on the interval's edge, a power of two's lopsided interval) is refused, and the caller uses the
 * text path, which stays the reference (decimal.test.ts compares the two).
 */

/** Result of {@link splitUnscaled}: the unscaled value is `whole · 10^s + offset`. */
export const split = { whole: 0, offset: 0 };

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const HI = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 1 : 0; // high word (little-endian hosts: 1)
const LO = 1 - HI;
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
/** 2^(E − 1075) for each biased exponent E: the ulp of a normal double with that exponent. */
const ULP = new Float64Array(2047);
for (let e = 1, u = 2 ** -1074; e < 2047; e++, u *= 2) ULP[e] = u;

/** Largest scale handled: every product below stays under 2^53 for s ≤ 8 (see splitUnscaled). */
export const MAX_SPLIT_SCALE = 8;

/**
 * Splits the exact decimal(·, `scale`) unscaled value of `a` (positive, as toUnscaled's text rule
 * gives it) into `split.whole · 10^scale + split.offset` and returns true, or returns false when
 * this cheap reasoning does not apply (then use the text path): scale > 8, a ≥ 2^53 or too small
 * for the 0.1 grid (ulp(a)·10^s ≤ 0.1), a power of two, or a candidate on the interval's edge.
 *
 * Exactness (s ≤ 8, ulp·10^s > 0.1, a = f·ulp + whole with f < 1/ulp < 10^(s+1)): the scaled
 * fraction f·ulp·10^s and ten times it are multiples of 2^(e+s) below 10^(s+1) with at most
 * log2(10·50^s) < 53 significant bits, so they, their differences with integers, and h are exact.
 * @example splitUnscaled(812345678901.2345, 4) // true; split = { whole: 812345678901, offset: 2345 }
 */
export function splitUnscaled(a: number, scale: number): boolean {
  if (scale > MAX_SPLIT_SCALE || !(a < 9007199254740992)) return false;
  F64[0] = a;
  const hi = U32[HI];
  const e = hi >>> 20; // a > 0: no sign bit
  if (e === 0 || ((hi & 0xfffff) === 0 && U32[LO] === 0)) return false; // subnormal, power of two
  const p = POW10[scale];
  const h = ULP[e] * p * 0.5;
  if (!(h > 0.05)) return false;
  const whole = Math.trunc(a);
  const fs = (a - whole) * p;
  // Coarsest grid first: the first grid with a point strictly inside the interval holds the text.
  for (let g = p; g >= 1; g /= 10) {
    let c = Math.round(fs / g) * g;
    let d = c - fs;
    let ad = Math.abs(d);
    if (ad * 2 > g) {
      // fs/g rounded across a half: the nearest multiple is the other neighbour.
      c += d > 0 ? -g : g;
      d = c - fs;
      ad = Math.abs(d);
    }
    if (ad < h) {
      // Two equally near candidates (X's fraction is a half): the text takes the one whose last
      // digit is even (V8's shortest-digit generation, as Gay's dtoa).
      if (ad * 2 === g && ((g === p ? whole : 0) + c / g) % 2 === 1) c += d > 0 ? -g : g;
      split.whole = whole;
      split.offset = c;
      return true;
    }
    if (ad === h) return false; // on the edge: reads back as `a` only if its mantissa is even
  }
  // No scaled integer inside: the text is the multiple of 0.1 nearest X (inside, as h > 0.05).
  const t = fs * 10;
  let n = Math.round(t);
  if (n - t === 0.5 && n % 2 === 1) n--; // a tie (Math.round went up): the even last digit
  let q = Math.floor(n / 10);
  const r = n - q * 10;
  // Half-even on the whole unscaled value whole·10^s + q: its parity is q's unless s = 0.
  if (r > 5 || (r === 5 && (scale === 0 ? whole + q : q) % 2 === 1)) q++;
  split.whole = whole;
  split.offset = q;
  return true;
}
