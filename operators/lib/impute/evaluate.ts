/**
 * Evaluation harness for imputation on real data (used by `test/impute/` and `bench/impute.bench.ts`):
 * turns recorded Tushare `daily` CSVs into fused-row shape, injects gaps into known values with a
 * seeded generator (keeping the truth aside), replays the days through an {@link Imputer} and scores
 * the filled values against the truth (MAPE per field and model).
 *
 * @example
 * const rows = loadTushareDaily(REAL_DATA_DIR, { lastDays: 160 });
 * const { rows: gappy, truth } = injectGaps(rows, { fields: ['close'], rate: 0.02, seed: 7, after: '2024-08-01' });
 * const score = await replay(new Imputer(policy, forecaster), gappy, truth);
 * score.byField.close.mape;
 */
import type { Rec } from '../../../engine/api/index.ts';
import type { Imputation, Imputer } from './imputer.ts';
import type { MissingRates } from './missing.ts';
import { mulberry32 } from '../random/mulberry32.ts';
import { readRealDaily, realSymbols } from '../hfq/real-data.ts';

/**
 * Rows like fusion's output: raw prices, volume in shares (vol 手 × 100), turnover in yuan
 * (amount 千元 × 1000), lineage `Tushare`, oldest first. `lastDays` keeps each symbol's most recent days.
 */
export function loadTushareDaily(dir: string, opts: { symbols?: string[]; lastDays?: number } = {}): Rec[] {
  const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
  const out: Rec[] = [];
  for (const symbol of realSymbols(dir).filter((s) => !opts.symbols || opts.symbols.includes(s))) {
    const rows = readRealDaily(symbol, dir).map((b): Rec => {
      const row: Rec = {
        symbol,
        trade_date: b.trade_date,
        open: r4(b.open),
        high: r4(b.high),
        low: r4(b.low),
        close: r4(b.close),
        volume: r4(b.volume),
        turnover: r4(b.amount),
      };
      for (const f of ['open', 'high', 'low', 'close', 'volume', 'turnover']) row[`${f}_source`] = 'Tushare';
      return row;
    });
    out.push(...(opts.lastDays ? rows.slice(-opts.lastDays) : rows));
  }
  return out;
}

export interface GapOptions {
  fields: string[];
  /** Probability that a gap starts at a (symbol, field, day) cell. */
  rate: number;
  seed: number;
  /** Gaps are injected only on days ≥ this (earlier days are the warm-up history). */
  after?: string;
  /** Longest gap run in days (uniform 1..maxRun). */
  maxRun?: number;
}

/** Copies the rows with gaps (value and lineage null: missing in every source); the truth is keyed `symbol|date|field`. */
export function injectGaps(rows: readonly Rec[], o: GapOptions): { rows: Rec[]; truth: Map<string, number> } {
  const rand = mulberry32(o.seed);
  const truth = new Map<string, number>();
  const out = rows.map((r) => ({ ...r }));
  const bySymbol = new Map<string, Rec[]>();
  for (const r of out)
    (bySymbol.get(r.symbol as string) ?? bySymbol.set(r.symbol as string, []).get(r.symbol as string)!).push(
      r,
    );
  for (const list of bySymbol.values())
    for (const f of o.fields)
      for (let i = 0; i < list.length; i++) {
        if ((o.after && String(list[i].trade_date) < o.after) || rand() >= o.rate) continue;
        const run = 1 + Math.floor(rand() * (o.maxRun ?? 1));
        for (let j = i; j < Math.min(i + run, list.length); j++) {
          const r = list[j];
          if (typeof r[f] === 'number') truth.set(`${r.symbol}|${r.trade_date}|${f}`, r[f] as number);
          r[f] = null;
          r[`${f}_source`] = null;
        }
        i += run; // a gap is followed by at least one observed day
      }
  return { rows: out, truth };
}

export interface FieldScore {
  n: number;
  mape: number;
  /** Share of truths inside the recorded interval (model forecasts only). */
  coverage: number | null;
  models: Record<string, number>;
}

export interface ReplayResult {
  byField: Record<string, FieldScore>;
  all: FieldScore;
  before: MissingRates[];
  after: MissingRates[];
  /** Worst day's key missing rate before and after. */
  keyMissingMaxBefore: number;
  keyMissingMaxAfter: number;
  /** Missing key cells over all key cells of every day, before and after. */
  keyMissingRateBefore: number;
  keyMissingRateAfter: number;
  seconds: number;
}

/** Scores imputed values (rows carrying `imputation`) against the truth, per field and overall. */
export function scoreRows(
  rows: readonly Rec[],
  truth: ReadonlyMap<string, number>,
): { byField: Record<string, FieldScore>; all: FieldScore } {
  const errs = new Map<string, Acc>();
  for (const r of rows)
    for (const [field, how] of Object.entries((r.imputation ?? {}) as Record<string, Imputation>)) {
      const t = truth.get(`${r.symbol}|${r.trade_date}|${field}`);
      if (t === undefined || t === 0) continue;
      const e =
        errs.get(field) ?? errs.set(field, { ape: [], inside: 0, withInterval: 0, models: {} }).get(field)!;
      e.ape.push(Math.abs((r[field] as number) - t) / Math.abs(t));
      e.models[how.model] = (e.models[how.model] ?? 0) + 1;
      if (how.lower !== undefined && how.upper !== undefined) {
        e.withInterval++;
        if (t >= how.lower && t <= how.upper) e.inside++;
      }
    }
  return {
    byField: Object.fromEntries([...errs].map(([f, e]) => [f, score([e])])),
    all: score([...errs.values()]),
  };
}

interface Acc {
  ape: number[];
  inside: number;
  withInterval: number;
  models: Record<string, number>;
}

function score(list: Acc[]): FieldScore {
  const ape = list.flatMap((e) => e.ape);
  const withInterval = list.reduce((a, e) => a + e.withInterval, 0);
  const models: Record<string, number> = {};
  for (const e of list) for (const [k, v] of Object.entries(e.models)) models[k] = (models[k] ?? 0) + v;
  return {
    n: ape.length,
    mape: ape.length ? ape.reduce((a, v) => a + v, 0) / ape.length : NaN,
    coverage: withInterval ? list.reduce((a, e) => a + e.inside, 0) / withInterval : null,
    models,
  };
}

/** Mean APE over several fields' scores, weighted by their counts. */
export function pooled(
  byField: Record<string, FieldScore>,
  fields: readonly string[],
): { n: number; mape: number } {
  const list = fields.map((f) => byField[f]).filter((s): s is FieldScore => !!s && s.n > 0);
  const n = list.reduce((a, s) => a + s.n, 0);
  return { n, mape: n ? list.reduce((a, s) => a + s.mape * s.n, 0) / n : NaN };
}

/** Feeds the rows day by day through the imputer and scores the imputed values against the truth. */
export async function replay(
  imputer: Imputer,
  rows: readonly Rec[],
  truth: ReadonlyMap<string, number>,
): Promise<ReplayResult> {
  const days = new Map<string, Rec[]>();
  for (const r of rows)
    (
      days.get(r.trade_date as string) ?? days.set(r.trade_date as string, []).get(r.trade_date as string)!
    ).push(r);
  const before: MissingRates[] = [];
  const after: MissingRates[] = [];
  const outRows: Rec[] = [];
  const t0 = performance.now();
  for (const date of [...days.keys()].sort()) {
    const out = await imputer.process(days.get(date)!);
    for (const d of out.days) {
      before.push(d.before);
      after.push(d.after);
    }
    outRows.push(...out.rows);
  }
  const weighted = (rs: MissingRates[]) => {
    const rowsN = rs.reduce((a, r) => a + r.rows, 0);
    return rowsN ? rs.reduce((a, r) => a + r.key_missing_rate * r.rows, 0) / rowsN : 0;
  };
  return {
    ...scoreRows(outRows, truth),
    before,
    after,
    keyMissingMaxBefore: Math.max(0, ...before.map((r) => r.key_missing_max)),
    keyMissingMaxAfter: Math.max(0, ...after.map((r) => r.key_missing_max)),
    keyMissingRateBefore: weighted(before),
    keyMissingRateAfter: weighted(after),
    seconds: (performance.now() - t0) / 1000,
  };
}
