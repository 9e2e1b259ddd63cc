/**
 * The composite data-quality score (domain spec §6): per-row `data_quality_score` and the daily
 * report of one trading day. Every dimension is 0–100; the composite is Σ dimension × weight.
 *
 * Day-level dimensions (the report):
 * - completeness = 100 × DQ-COM-01 × (1 − mean key-field missing rate), where DQ-COM-01 is
 *   symbols with a close / symbols expected (`expected`, or the symbols present);
 * - accuracy = 100 × share of rows whose K-line logic holds (DQ-ACC-01);
 * - consistency = 100 × consistent / overlapping rows from the gate's `dq_consistent` flags (DQ-CON-01);
 * - timeliness = 100 when close → scoring ≤ the limit (DQ-TIM-01), then linearly to 0 at twice it;
 * - validity_uniqueness = mean of the valid-row share and the unique-(symbol, trade_date) share.
 * Row-level dimensions apply the same rules to one row (timeliness is the day's).
 *
 * Column-wise: a day is one table; each rule runs down its columns into per-row counts.
 */
import type { ColumnTable } from 'arquero';
import type { Rec } from '../../../engine/api/index.ts';
import { column } from '../../../engine/api/index.ts';
import { KLINE_RULES, klineFailures } from './kline.ts';
import { num, round } from './num.ts';
import { RuleTally } from './rule-tally.ts';
import { compileValidity, type Validity, type ValidityResult } from './validity.ts';
import { marketClose } from './shanghai-time.ts';
import type { DimensionId, QualityPolicySpec, QualityScoreSpec } from './types.ts';

export type Dimensions = Record<DimensionId, number>;

export interface DayInput {
  tradeDate: string | null;
  /** The day's rows. */
  table: ColumnTable;
  /** Symbols that traded that day, when known (e.g. from the collector's universe). */
  expected?: number;
  /** When the day is being scored (latency is measured to this instant). */
  now: Date;
  /** Backfills are not late: timeliness is not applicable and scores 100. */
  timeliness: 'live' | 'backfill';
}

export interface DayScore {
  /**
   * Per row `data_quality_score`. docs/impute.md: an imputed value counts as present, but a row's
   * `impute_penalty.{completeness, accuracy}` points come off those dimensions (floored at 0)
   * before weighting; the report's `mean_row_score` is the mean before that penalty.
   */
  scores: Float64Array;
  report: Rec;
}

export function weighted(dims: Dimensions, score: QualityScoreSpec): number {
  let acc = 0; // the same left-to-right sum in dimension order as ever, so scores stay bit-identical
  for (const d of score.dimensions) acc += dims[d.id] * d.weight;
  return round(acc, 2);
}

/** The band of a composite score: the highest band whose minimum it reaches. */
export function band(composite: number, score: QualityScoreSpec): string {
  const sorted = [...score.bands].sort((a, b) => b.min - a.min);
  return (sorted.find((b) => composite >= b.min) ?? sorted[sorted.length - 1]).name;
}

export function timelinessScore(minutes: number | null, max: number): number {
  if (minutes === null || minutes <= max) return 100;
  return round(Math.max(0, 100 * (1 - (minutes - max) / max)), 2);
}

const present = (v: unknown) =>
  v !== null && v !== undefined && (typeof v !== 'number' || Number.isFinite(v)) && v !== '';

// Compiled once per policy document (a hot reload brings a new object).
const validities = new WeakMap<QualityPolicySpec['validity'], Validity>();
function validityOf(v: QualityPolicySpec['validity']): Validity {
  let c = validities.get(v);
  if (!c) validities.set(v, (c = compileValidity(v)));
  return c;
}

/**
 * Scores every row and builds the day's report, column by column.
 * @example
 * const { scores, report } = scoreDay({ tradeDate: '2024-12-31', table: day, now, timeliness: 'live' }, policy, score);
 */
export function scoreDay(input: DayInput, policy: QualityPolicySpec, score: QualityScoreSpec): DayScore {
  const t = input.table;
  const n = t.numRows();
  const c = policy.completeness;
  const closeAt = input.tradeDate
    ? marketClose(input.tradeDate, policy.timeliness.market_close, policy.timeliness.utc_offset)
    : undefined;
  const minutes =
    input.timeliness === 'live' && closeAt
      ? Math.max(0, (input.now.getTime() - closeAt.getTime()) / 60000)
      : null;
  const timeliness = timelinessScore(minutes, policy.timeliness.max_minutes);

  // Rules are registered in the order one row's failures were always listed: K-line, validity,
  // duplicate, missing key fields, consistency (the report's rule_failures keeps that order).
  const tally = new RuleTally();
  const klineSlots = KLINE_RULES.map((id) => tally.slot(id));
  const validity = validityOf(policy.validity);
  const validitySlots = validity.ids.map((id) => tally.slot(id));
  const dupSlot = tally.slot('duplicate_key');
  const missingSlots = c.key_fields.map((f) => tally.slot(`${f}_missing`));
  const conSlot = tally.slot('consistency');

  const kline = klineFailures(t);
  const valid = validity.check(t, (rule, row) => tally.hit(validitySlots[rule], row));
  const keys = uniqueKeys(t);
  const keyMissing = new Uint8Array(n);
  const missingOf = new Map<string, number>(); // per field, shared by the key fields and the report
  c.key_fields.forEach((f, k) => {
    const m = missingRows(column<unknown>(t, f), n, (i) => {
      keyMissing[i]++;
      tally.hit(missingSlots[k], i);
    });
    missingOf.set(f, m);
  });

  const flags = column<unknown>(t, 'dq_consistent');
  const penalties = column<unknown>(t, 'impute_penalty');
  const scores = new Float64Array(n);
  const totals = new Float64Array(TOTALS);
  scoreRows(
    {
      n,
      K: c.key_fields.length,
      kline,
      klineSlots,
      dup: keys.dup,
      dupSlot,
      flags,
      conSlot,
      valid,
      keyMissing,
    },
    { tally, weigh: rowWeigher(score), timeliness, penalties, scores, totals },
  );
  const [klineOk, validRows, overlapping, consistent, scoreSum] = totals;

  const missing: Record<string, number> = {};
  let missingCells = 0;
  for (const f of c.fields) {
    const m = missingOf.get(f) ?? missingRows(column<unknown>(t, f), n);
    missing[f] = n ? round(m / n, 6) : 0;
    missingCells += m;
  }
  const { symbols, withClose } = keys;
  const expected = Math.max(input.expected ?? symbols, symbols);
  const com = expected ? Math.min(1, withClose / expected) : 1;
  const keyMissingMean = c.key_fields.reduce((a, f) => a + missing[f], 0) / c.key_fields.length;
  const keyMissingMax = Math.max(...c.key_fields.map((f) => missing[f]));
  const ratio = (a: number, b: number) => (b ? a / b : 1);
  const conRatio = overlapping ? consistent / overlapping : null;
  const uniqueness = ratio(keys.unique, n);
  const validityRatio = ratio(validRows, n);
  const day: Dimensions = {
    completeness: 100 * com * (1 - keyMissingMean),
    accuracy: 100 * ratio(klineOk, n),
    consistency: 100 * (conRatio ?? 1),
    timeliness,
    validity_uniqueness: (100 * validityRatio + 100 * uniqueness) / 2,
  };
  const composite = weighted(day, score);
  const report: Rec = {
    trade_date: input.tradeDate,
    rows: n,
    expected_symbols: expected,
    collected_symbols: withClose,
    dq_com_01: round(com, 6),
    dq_acc_01: round(ratio(klineOk, n), 6),
    dq_con_01: conRatio === null ? null : round(conRatio, 6),
    dq_tim_01: minutes === null ? null : minutes <= policy.timeliness.max_minutes,
    consistency_ratio: conRatio === null ? null : round(conRatio, 6),
    kline_ratio: round(ratio(klineOk, n), 6),
    timeliness_minutes: minutes === null ? null : round(minutes, 2),
    key_missing_max: round(keyMissingMax, 6),
    total_missing_rate: n ? round(missingCells / (n * c.fields.length), 6) : 0,
    close_missing_rate: round(expected ? 1 - withClose / expected : 0, 6),
    missing_rates: JSON.stringify(missing),
    uniqueness_ratio: round(uniqueness, 6),
    validity_ratio: round(validityRatio, 6),
    ...Object.fromEntries(Object.entries(day).map(([k, v]) => [`${k}_score`, round(v, 2)])),
    composite,
    band: band(composite, score),
    rule_failures: JSON.stringify(tally.counts()),
    mean_row_score: n ? round(scoreSum / n, 2) : null,
    scored_at: input.now.toISOString(),
  };
  return { scores, report };
}

/** Indices of the day totals {@link scoreRows} counts. */
const [KLINE_OK, VALID_ROWS, OVERLAPPING, CONSISTENT, SCORE_SUM, TOTALS] = [0, 1, 2, 3, 4, 5];

interface RowChecks {
  n: number;
  /** Number of key fields. */
  K: number;
  kline: Uint8Array;
  klineSlots: readonly number[];
  dup: Uint8Array;
  dupSlot: number;
  flags: ArrayLike<unknown> | undefined;
  conSlot: number;
  valid: ValidityResult;
  keyMissing: Uint8Array;
}

interface RowOutputs {
  tally: RuleTally;
  weigh: (dims: Float64Array) => number;
  timeliness: number;
  penalties: ArrayLike<unknown> | undefined;
  scores: Float64Array;
  /** Day totals, by the indices above (counted in the loop: nothing runs after it). */
  totals: Float64Array;
}

/**
 * The per-row pass of {@link scoreDay}: rule hits, the row's dimensions and score, the day totals.
 * Alone in its function with nothing after the loop: V8 compiles a long first run of a loop while
 * it runs (on-stack replacement), before the code after the loop ever ran, and that code then sent
 * the compiled loop back to the interpreter every day.
 */
function scoreRows(c: RowChecks, o: RowOutputs): void {
  const { n, K, kline, klineSlots, dup: dups, dupSlot, flags, conSlot, valid, keyMissing } = c;
  const { tally, weigh, penalties, scores, totals } = o;
  const dims = new Float64Array(DIMENSIONS.length); // one row's dimensions, by DIMENSIONS index
  dims[TIM] = o.timeliness;
  for (let i = 0; i < n; i++) {
    const bits = kline[i];
    for (let k = 0; bits && k < KLINE_RULES.length; k++) if (bits & (1 << k)) tally.hit(klineSlots[k], i);
    const dup = dups[i] === 1;
    if (dup) tally.hit(dupSlot, i);
    const flag = flags?.[i];
    if (flag === false) tally.hit(conSlot, i);
    if (bits === 0) totals[KLINE_OK]++;
    if (valid.failed[i] === 0) totals[VALID_ROWS]++;
    if (flag === true || flag === false) totals[OVERLAPPING]++;
    if (flag === true) totals[CONSISTENT]++;
    dims[COM] = (100 * (K - keyMissing[i])) / K;
    dims[ACC] = bits === 0 ? 100 : 0;
    dims[CON] = flag === false ? 0 : 100;
    dims[VU] = (100 * (1 - valid.failed[i] / valid.checked[i]) + (dup ? 0 : 100)) / 2;
    const s = weigh(dims);
    totals[SCORE_SUM] += s;
    scores[i] = penalties ? imputed(s, dims, penalties[i], weigh) : s;
  }
}

/** The row's score with its `impute_penalty` (if any) taken off completeness and accuracy. */
function imputed(
  s: number,
  dims: Float64Array,
  penalty: unknown,
  weigh: (dims: Float64Array) => number,
): number {
  if (!penalty || typeof penalty !== 'object') return s;
  const p = penalty as { completeness?: unknown; accuracy?: unknown };
  const c = num(p.completeness) ?? 0;
  const a = num(p.accuracy) ?? 0;
  if (!c && !a) return s;
  const penalised = Float64Array.from(dims);
  penalised[COM] = Math.max(0, dims[COM] - c);
  penalised[ACC] = Math.max(0, dims[ACC] - a);
  return weigh(penalised);
}

const DIMENSIONS: readonly DimensionId[] = [
  'completeness',
  'accuracy',
  'consistency',
  'timeliness',
  'validity_uniqueness',
];
const [COM, ACC, CON, TIM, VU] = [0, 1, 2, 3, 4];

/**
 * {@link weighted} for the per-row loop: dimensions in a `Float64Array` (by {@link DIMENSIONS}
 * index) rather than an object looked up by five different keys. Same sum in the same order.
 */
function rowWeigher(score: QualityScoreSpec): (dims: Float64Array) => number {
  const at = Int32Array.from(score.dimensions, (d) => DIMENSIONS.indexOf(d.id));
  const w = Float64Array.from(score.dimensions, (d) => d.weight);
  return (dims) => {
    let acc = 0;
    for (let k = 0; k < at.length; k++) acc += dims[at[k]] * w[k];
    return Math.round(acc * 100) / 100; // round(acc, 2)
  };
}

/** Rows where `values` has no usable value (`onMissing` is told each); a missing column is all missing. */
function missingRows(
  values: ArrayLike<unknown> | undefined,
  n: number,
  onMissing?: (row: number) => void,
): number {
  let m = 0;
  if (!values) {
    for (let i = 0; i < n; i++) onMissing?.(i);
    return n;
  }
  if (values instanceof Float64Array) {
    for (let i = 0; i < n; i++)
      if (!Number.isFinite(values[i])) {
        m++;
        onMissing?.(i);
      }
    return m;
  }
  for (let i = 0; i < n; i++)
    if (!present(values[i])) {
      m++;
      onMissing?.(i);
    }
  return m;
}

interface Keys {
  /** Per row: 1 when another row has the same (symbol, trade_date). */
  dup: Uint8Array;
  /** Distinct (symbol, trade_date) keys. */
  unique: number;
  /** Distinct symbols. */
  symbols: number;
  /** Distinct symbols with a close. */
  withClose: number;
}

/**
 * Uniqueness of (symbol, trade_date) and symbol counts. A day's rows share one trade_date, so the
 * symbol alone is the key (no string is built per row); mixed dates fall back to the pair.
 */
function increasing(symbols: ArrayLike<unknown>, n: number): boolean {
  if (typeof symbols[0] !== 'string') return false;
  let prev: string = symbols[0];
  for (let i = 1; i < n; i++) {
    const s = symbols[i];
    if (typeof s !== 'string' || !(prev < s)) return false;
    prev = s;
  }
  return true;
}

function uniqueKeys(t: ColumnTable): Keys {
  const n = t.numRows();
  const symbols = column<unknown>(t, 'symbol');
  const dates = column<unknown>(t, 'trade_date');
  const close = column<unknown>(t, 'close');
  let oneDate = true;
  for (let i = 1; oneDate && i < n; i++) oneDate = dates?.[i] === dates?.[0];
  const dup = new Uint8Array(n);
  // Fuse emits a day sorted by symbol: strictly increasing symbols are unique without a hash map.
  if (oneDate && symbols && increasing(symbols, n))
    return { dup, unique: n, symbols: n, withClose: n - missingRows(close, n) };
  const seen = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const k = oneDate ? String(symbols?.[i]) : `${symbols?.[i]}|${dates?.[i]}`;
    const j = seen.get(k);
    if (j === undefined) seen.set(k, i);
    else dup[i] = dup[j] = 1;
  }
  if (oneDate && seen.size === n) return { dup, unique: n, symbols: n, withClose: n - missingRows(close, n) };
  const all = new Set<string>();
  const closed = new Set<string>();
  for (let i = 0; i < n; i++) {
    const s = String(symbols?.[i]);
    all.add(s);
    if (present(close?.[i])) closed.add(s);
  }
  return { dup, unique: seen.size, symbols: all.size, withClose: closed.size };
}
