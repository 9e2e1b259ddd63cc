/**
 * Decimal rounding of IEEE doubles exactly as Python's `'%.2f' % x` does it, which is what Tushare's
 * `pro_bar` applies to adjusted prices. Python formats the *exact binary value* of the double and
 * rounds half to even; an exact tie is only possible when the double is exactly representable at
 * that point (e.g. 0.125), so `2.675` (stored as 2.67499999…) rounds down while `0.125` rounds to
 * `0.12`. JavaScript's `toFixed` also uses the exact value but breaks ties upwards, so it disagrees
 * on exact ties; this module does the arithmetic on BigInt instead.
 */

/** The exact value of a finite double as `mantissa × 2^exponent` (mantissa a BigInt, sign included). */
function decompose(x: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const sign = hi >>> 31 ? -1n : 1n;
  const biased = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased === 0) return { mantissa: sign * frac, exponent: -1074 }; // subnormal
  return { mantissa: sign * ((1n << 52n) | frac), exponent: biased - 1075 };
}

/**
 * `x` rounded to `digits` decimals, half to even on the exact binary value, as a scaled integer:
 * the result is `units / 10^digits`.
 * @example roundHalfEvenUnits(0.125, 2) // 12n (Python: '%.2f' % 0.125 == '0.12')
 */
export function roundHalfEvenUnits(x: number, digits: number): bigint {
  if (!Number.isFinite(x)) throw new RangeError(`cannot round ${x}: not a finite number`);
  if (!Number.isInteger(digits) || digits < 0)
    throw new RangeError(`digits must be a non-negative integer, got ${digits}`);
  const { mantissa, exponent } = decompose(x);
  const scaled = mantissa * 10n ** BigInt(digits);
  if (exponent >= 0) return scaled << BigInt(exponent);
  const denom = 1n << BigInt(-exponent);
  const neg = scaled < 0n;
  const abs = neg ? -scaled : scaled;
  let q = abs / denom;
  const twiceRem = (abs % denom) * 2n;
  if (twiceRem > denom || (twiceRem === denom && q % 2n === 1n)) q += 1n;
  return neg ? -q : q;
}

/** Formats scaled units as a fixed-point decimal string (`1234n, 2` → `"12.34"`). */
export function formatUnits(units: bigint, digits: number): string {
  const neg = units < 0n;
  const s = (neg ? -units : units).toString().padStart(digits + 1, '0');
  const body = digits === 0 ? s : `${s.slice(0, s.length - digits)}.${s.slice(s.length - digits)}`;
  return neg ? `-${body}` : body;
}

/**
 * Python's `'%.{digits}f' % x` for a finite double (round half to even on the exact binary value).
 * @example formatFixed(2.675, 2) // "2.67"; formatFixed(0.375, 2) // "0.38"
 */
export function formatFixed(x: number, digits: number): string {
  const units = roundHalfEvenUnits(x, digits);
  // Python keeps the sign of a negative value that rounds to zero ('-0.00').
  const str = formatUnits(units, digits);
  return units === 0n && (x < 0 || Object.is(x, -0)) ? `-${str}` : str;
}

/** 10^d as an exact double, for the digits the fast path handles. */
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12];
/** Below this every half-integer is a double, which the fast path relies on; above, the exact path. */
const FAST_LIMIT = 2 ** 50;

/** Veltkamp's splitter for doubles (2^27 + 1). */
const SPLIT = 134_217_729;

/**
 * The rounding error of the product `p = a × b` (a double), exactly: `a × b = p + error` (Dekker's
 * TwoProduct; exact barring overflow or underflow, which the callers' ranges exclude).
 */
function productError(a: number, b: number, p: number): number {
  let c = SPLIT * a;
  const aHi = c - (c - a);
  const aLo = a - aHi;
  c = SPLIT * b;
  const bHi = c - (c - b);
  const bLo = b - bHi;
  return aHi * bHi - p + aHi * bLo + aLo * bHi + aLo * bLo;
}

/**
 * `roundHalfEvenUnits(x, digits)` as a plain number, fast and exact. `y = x × 10^d` is the exact
 * scaled value rounded to a double, and rounding is monotonic: a half-way point h = k + ½ is itself
 * a double here, so an exact value below h gives y ≤ h and one above gives y ≥ h. Hence y strictly
 * on one side of h means the exact value is on that side too. When y == h (common: a 2-decimal price
 * × a 3-decimal factor often has 5 decimals ending in 5), the exact rounding error of the product
 * says on which side the exact value lies, or that it is the tie itself (then half to even). Values
 * out of range, zero, negatives and non-finite inputs go through the exact BigInt path.
 * @example halfEvenUnits(0.125, 2) // 12; halfEvenUnits(12.345678, 4) // 123457
 */
export function halfEvenUnits(x: number, digits: number): number {
  if (x > 0 && digits <= 12 && x * POW10[digits] < FAST_LIMIT) return halfEvenUnitsFast(x, digits);
  return Number(roundHalfEvenUnits(x, digits));
}

/**
 * {@link halfEvenUnits} when `x > 0`, `digits <= 12` and `x × 10^digits < 2^50` (the caller checks).
 * Apart from the exact path so that every result is an unboxed double: a function that may also
 * return the BigInt path's number made V8 box each result (a heap number per price in `adjust`).
 */
function halfEvenUnitsFast(x: number, digits: number): number {
  const scale = POW10[digits];
  const y = x * scale;
  const floor = Math.floor(y);
  // Exact: y − floor(y) is exact (Sterbenz), and so is the − ½ whenever the result is near 0.
  const off = y - floor - 0.5;
  if (off > 0) return floor + 1;
  if (off < 0) return floor;
  const err = productError(x, scale, y);
  if (err > 0) return floor + 1;
  if (err < 0) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * `float('%.{digits}f' % x)`: the double nearest to the Python-formatted value, i.e. what
 * `pro_bar` returns for an adjusted price.
 * @example roundHalfEven(1.005, 2) // 1 (1.005 is stored as 1.00499999…)
 */
export function roundHalfEven(x: number, digits: number): number {
  // units / 10^d is the correctly rounded quotient, i.e. the same double Number("<units>e-d") parses
  // to, as long as units is an exact integer (< 2^53) and 10^d is exact.
  if (x > 0 && digits <= 12 && x * POW10[digits] < FAST_LIMIT)
    return halfEvenUnits(x, digits) / POW10[digits];
  return Number(formatFixed(x, digits));
}

/** The exact-decimal reference for {@link roundHalfEven} (BigInt arithmetic only), for tests. */
export function roundHalfEvenExact(x: number, digits: number): number {
  return Number(formatFixed(x, digits));
}

/**
 * A 4-decimal value for storage whose own 2-decimal rounding equals `roundHalfEven(x, 2)` under any
 * tie rule. Plain 4-decimal rounding can double-round: 1.234951 → 1.2350 → 1.24, while pro_bar gives
 * 1.23. When the 4-decimal value sits exactly on a cent tie (…50) it is moved one unit (0.0001)
 * towards the pro_bar cent, so `|result − x| ≤ 0.0001` and Gold agrees with pro_bar to the cent.
 * @example centStable4(1.234951) // 1.2349
 */
export function centStable4(x: number): number {
  if (!centStable4IsFast(x)) return centStable4Exact(x);
  return centStable4Fast(x);
}

/** Whether {@link centStable4Fast} applies to `x` (positive, and `x × 10^4 < 2^50`). */
export function centStable4IsFast(x: number): boolean {
  return x > 0 && x * 1e4 < FAST_LIMIT;
}

/**
 * {@link centStable4} for an `x` that {@link centStable4IsFast} accepts: the same value, always an
 * unboxed double (call it in its own branch, as `adjust` does, so the result is not joined with
 * the exact path's and boxed).
 * @example centStable4IsFast(x) ? centStable4Fast(x) : centStable4(x)
 */
export function centStable4Fast(x: number): number {
  let units = halfEvenUnitsFast(x, 4);
  if (units % 100 === 50) units += halfEvenUnitsFast(x, 2) * 100 > units ? 1 : -1;
  return units / 1e4;
}

/** The exact-decimal reference for {@link centStable4} (BigInt arithmetic only), for tests. */
export function centStable4Exact(x: number): number {
  let units = roundHalfEvenUnits(x, 4);
  const mod = ((units % 100n) + 100n) % 100n;
  if (mod === 50n) {
    const cents = roundHalfEvenUnits(x, 2) * 100n;
    units += cents > units ? 1n : -1n;
  }
  return Number(formatUnits(units, 4));
}
