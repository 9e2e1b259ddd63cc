/** Functions callable from expressions. Small on purpose: records in, plain values out. */
const num = (v: unknown): number =>
  typeof v === 'number' ? v : v === null || v === undefined || v === '' ? NaN : Number(v);

export const FUNCTIONS: Record<string, { arity: [number, number]; fn: (...a: unknown[]) => unknown }> = {
  abs: { arity: [1, 1], fn: (a) => Math.abs(num(a)) },
  min: { arity: [1, 99], fn: (...a) => Math.min(...a.map(num)) },
  max: { arity: [1, 99], fn: (...a) => Math.max(...a.map(num)) },
  round: { arity: [1, 2], fn: (a, d = 0) => Number(num(a).toFixed(num(d))) },
  number: { arity: [1, 1], fn: (a) => num(a) },
  string: { arity: [1, 1], fn: (a) => (a === null || a === undefined ? '' : String(a)) },
  is_null: { arity: [1, 1], fn: (a) => a === null || a === undefined },
  is_finite: {
    arity: [1, 1],
    fn: (a) => a !== null && a !== undefined && a !== '' && Number.isFinite(num(a)),
  },
  coalesce: { arity: [1, 99], fn: (...a) => a.find((x) => x !== null && x !== undefined) ?? null },
  len: { arity: [1, 1], fn: (a) => (typeof a === 'string' || Array.isArray(a) ? a.length : 0) },
  lower: { arity: [1, 1], fn: (a) => String(a ?? '').toLowerCase() },
  upper: { arity: [1, 1], fn: (a) => String(a ?? '').toUpperCase() },
  starts_with: { arity: [2, 2], fn: (a, b) => String(a ?? '').startsWith(String(b)) },
  matches: { arity: [2, 2], fn: (a, b) => new RegExp(String(b)).test(String(a ?? '')) },
  in: { arity: [2, 99], fn: (a, ...set) => set.some((x) => x === a) },
};
