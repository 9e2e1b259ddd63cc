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

/**
 * `float('%.{digits}f' % x)`: the double nearest to the Python-formatted value, i.e. what
 * `pro_bar` returns for an adjusted price.
 * @example roundHalfEven(1.005, 2) // 1 (1.005 is stored as 1.00499999…)
 */
export function roundHalfEven(x: number, digits: number): number {
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
  let units = roundHalfEvenUnits(x, 4);
  const mod = ((units % 100n) + 100n) % 100n;
  if (mod === 50n) {
    const cents = roundHalfEvenUnits(x, 2) * 100n;
    units += cents > units ? 1n : -1n;
  }
  return Number(formatUnits(units, 4));
}
