/**
 * Column-wise back adjustment: one pass over a batch's rows in (symbol, trade_date) order that
 * chooses each row's factor (own, derived, carried or initial) and writes the adjusted prices into
 * typed arrays, sharing every column it does not change. This is the body of the `adjust` operator;
 * it is here so that the operator file stays about configuration and ports.
 */
import type { ColumnTable } from 'arquero';
import { column, takeRows } from '../../../engine/api/index.ts';
import { CARRIED, DERIVED, deriveFactor, type FactorState } from './factor.ts';
import { centStable4, centStable4Fast, centStable4IsFast } from './round.ts';

// `String.prototype.localeCompare` without arguments is this collator's compare (ECMA-402), which the
// row version sorted by; one collator instead of a lookup per call.
const collator = new Intl.Collator();
const cmp = (a: string, b: string): number => (a === b ? 0 : collator.compare(a, b));

/**
 * The rows' (symbol, trade_date) order as input indices, stable, or `null` when the rows are already
 * in that order (the common case: fuse emits a day sorted by symbol), so no column need be copied.
 * @example rowOrder(['B', 'A'], ['2020-01-02', '2020-01-02'], 2) // Int32Array [1, 0]
 */
export function rowOrder(
  symbols: ArrayLike<unknown> | undefined,
  dates: ArrayLike<unknown> | undefined,
  n: number,
): Int32Array | null {
  // The usual day: the very symbols of the last sorted batch, all different: in order as they are.
  if (lastDistinct && symbols && repeatsAll(symbols, lastDistinct, n)) return null;
  const sym = (i: number) => String(symbols?.[i]);
  const day = (i: number) => String(dates?.[i]);
  const compare = (a: number, b: number) => cmp(sym(a), sym(b)) || cmp(day(a), day(b));
  // The same symbols come in the same order every day: where this batch repeats the last sorted
  // one, two different neighbours are in order without a lookup (one string comparison per row).
  const last = lastSorted;
  const repeats = (i: number) => last !== undefined && i < last.length && String(last[i]) === sym(i);
  let sorted = true;
  // Whether every different neighbour pair compared strictly in order (the collator may find two
  // different strings equal, then the dates decided: such a batch is no template for the next).
  let strict = true;
  let distinct = true;
  let same = repeats(0);
  for (let i = 1; i < n && sorted; i++) {
    const a = sym(i - 1);
    const b = sym(i);
    const sameHere = repeats(i);
    const pair = same && sameHere;
    same = sameHere;
    if (a === b) distinct = false;
    if (a !== b && pair) continue;
    // The same neighbours come every day: a pair found in order once is not compared again.
    if (a !== b && inOrder.get(a) === b) continue;
    const c = cmp(a, b);
    sorted = c < 0 || (c === 0 && cmp(day(i - 1), day(i)) <= 0);
    if (c === 0 && a !== b) strict = false;
    if (c < 0) {
      if (inOrder.size >= 1 << 17) inOrder.clear();
      inOrder.set(a, b);
    }
  }
  if (sorted) {
    lastSorted = strict ? symbols : undefined;
    lastDistinct = strict && distinct && symbols && n === symbols.length ? symbols : undefined;
    return null;
  }
  // Array.prototype.sort is stable, as the row version's sort was.
  return Int32Array.from(Array.from({ length: n }, (_, i) => i).sort(compare));
}

/** Symbol pairs (a, b) seen adjacent with a before b in collation order. */
const inOrder = new Map<string, string>();
/** The symbols of the last batch found in order (every different neighbour pair is in order). */
let lastSorted: ArrayLike<unknown> | undefined;
/** {@link lastSorted} when its symbols were also all different from their neighbours. */
let lastDistinct: ArrayLike<unknown> | undefined;

/** Whether `symbols` are the strings of `last`, position by position (and as many). */
function repeatsAll(symbols: ArrayLike<unknown>, last: ArrayLike<unknown>, n: number): boolean {
  if (last.length !== n || symbols.length < n) return false;
  for (let i = 0; i < n; i++) {
    const s = symbols[i];
    if (typeof s !== 'string' || s !== last[i]) return false;
  }
  return true;
}

export interface HfqOptions {
  prices: readonly string[];
  factorCol: string;
  closeCol: string;
  preCol: string;
  /** Decimals of a derived factor. */
  decimals: number;
  keepRaw: boolean;
  initialFactor?: number;
}

export interface HfqResult {
  /** The adjusted rows in (symbol, trade_date) order, without the rows in `errors`. */
  table: ColumnTable;
  /** Input row index and reason of every row that could not be adjusted. */
  errors: { row: number; reason: string }[];
}

const validPositive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

/**
 * Adjusts the rows of `t` (visited in `order`, or as they are when `null`) against and into `state`.
 * Values are those of the former row version exactly: prices `centStable4(raw × factor)` or `null`,
 * `<price>_raw` the raw value (`null` when absent), `<factor>_source` the lineage of a factor this
 * pass chose (a row's own factor keeps the row's lineage).
 * @example const { table, errors } = hfqColumns(columnsOf(batch), null, state, opts);
 */
export function hfqColumns(
  t: ColumnTable,
  order: Int32Array | null,
  state: FactorState,
  o: HfqOptions,
): HfqResult {
  const n = t.numRows();
  const symbols = column<unknown>(t, 'symbol');
  const dates = column<unknown>(t, 'trade_date');
  const ownFactor = column<unknown>(t, o.factorCol);
  const preClose = column<unknown>(t, o.preCol);
  const close = column<unknown>(t, o.closeCol);
  const sourceCol = `${o.factorCol}_source`;
  const ownSource = column<unknown>(t, sourceCol);
  const rawIn = o.prices.map((p) => column<unknown>(t, p));
  // Outputs by output position; NaN marks a price that is null (centStable4 never yields NaN).
  const adjusted = o.prices.map(() => new Float64Array(n));
  const factors = new Float64Array(n);
  const sources = new Array<unknown>(n);
  const rows = new Int32Array(n);
  const errors: HfqResult['errors'] = [];
  let m = 0;
  for (let k = 0; k < n; k++) {
    const i = order ? order[k] : k;
    const symbol = symbols?.[i];
    const date = dates?.[i];
    if (typeof symbol !== 'string' || typeof date !== 'string') {
      errors.push({
        row: i,
        reason: `adjust: row has no symbol/trade_date: ${JSON.stringify({ symbol, date })}`,
      });
      continue;
    }
    const own = ownFactor?.[i];
    let factor: number;
    let lineage: unknown;
    try {
      if (validPositive(own)) {
        factor = own;
        lineage = ownSource?.[i];
      } else {
        const days = state.peek(symbol);
        const prev = days ? days.indexBefore(date) : -1;
        if (prev >= 0) {
          const pre = preClose?.[i];
          const prevClose = days!.closes[prev];
          if (validPositive(pre) && prevClose > 0) {
            // Throws when the previous factor rounded to 0 (a derived factor below ½ of its last decimal).
            factor = deriveFactor(days!.factors[prev], prevClose, pre, o.decimals);
            lineage = DERIVED;
          } else {
            factor = days!.factors[prev];
            lineage = CARRIED;
          }
        } else if (o.initialFactor !== undefined) {
          factor = o.initialFactor;
          lineage = DERIVED;
        } else {
          errors.push({
            row: i,
            reason: `adjust: ${symbol} ${date} has no valid ${o.factorCol} from any source and no previous day to derive it from (seed the state or set initial_factor)`,
          });
          continue;
        }
      }
      for (let p = 0; p < rawIn.length; p++) {
        const raw = rawIn[p]?.[i];
        // One store per path: a conditional expression joining the fast path's unboxed double with
        // a call's result made V8 box every adjusted price (see centStable4Fast).
        if (typeof raw !== 'number' || !Number.isFinite(raw)) adjusted[p][m] = NaN;
        else {
          const x = raw * factor;
          if (centStable4IsFast(x)) adjusted[p][m] = centStable4Fast(x);
          else adjusted[p][m] = centStable4(x);
        }
      }
    } catch (err) {
      // e.g. a product that overflows to Infinity: the row goes to error, its day is not remembered.
      errors.push({ row: i, reason: (err as Error).message });
      continue;
    }
    const c = close?.[i];
    if (typeof c === 'number' && c > 0) state.daysAt(k, symbol).remember(date, factor, c);
    factors[m] = factor;
    sources[m] = lineage;
    rows[m] = i;
    m++;
  }
  // Same rows in the same order: share every input column; otherwise gather them once.
  const base = !order && m === n ? t : takeRows(t, rows.subarray(0, m));
  sources.length = m;
  const cols: Record<string, ArrayLike<unknown>> = { [o.factorCol]: m === n ? factors : factors.slice(0, m) };
  // The row version set the lineage only when it chose the factor: no lineage column appears when
  // the input had none and every row brought its own factor.
  if (ownSource || sources.some((v) => v !== undefined)) cols[sourceCol] = sources;
  o.prices.forEach((p, k) => {
    if (o.keepRaw) cols[`${p}_raw`] = rawOrNull(column<unknown>(base, p), m);
    cols[p] = nullsForNaN(m === n ? adjusted[k] : adjusted[k].slice(0, m));
  });
  return { table: base.assign(cols as Record<string, unknown[]>), errors };
}

/** The raw column as it is when it has no `undefined` (shared), else a copy with `null` for those. */
function rawOrNull(raw: ArrayLike<unknown> | undefined, m: number): ArrayLike<unknown> {
  if (!raw) return new Array<unknown>(m).fill(null);
  if (ArrayBuffer.isView(raw)) return raw;
  for (let i = 0; i < m; i++) if (raw[i] === undefined) return Array.from(raw, (v) => v ?? null);
  return raw;
}

/** A Float64Array when every price is present; else a plain array with `null` for the missing ones. */
function nullsForNaN(values: Float64Array): ArrayLike<unknown> {
  for (let i = 0; i < values.length; i++)
    if (Number.isNaN(values[i])) return Array.from(values, (v) => (Number.isNaN(v) ? null : v));
  return values;
}
