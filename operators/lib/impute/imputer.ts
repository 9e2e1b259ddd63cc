/**
 * The imputation engine behind the `impute` operator, free of I/O: it keeps the bounded per-symbol
 * history and the industry map, finds every missing policy field in a batch of fused rows, fills it
 * with the first method of the field's chain that can (prophet → forecaster, native, ffill,
 * industry_mean), and annotates the rows (lineage, interval, penalty). Model forecasts of a batch
 * are sent to the forecaster in one call, one series per (symbol, field, gap). Batches are column
 * tables ({@link Imputer.processTable}): only rows with a missing cell become records.
 *
 * @example
 * const imputer = new Imputer(resolvePolicy(spec), new NativeForecaster());
 * imputer.setIndustry('600519.SH', '白酒');
 * const { rows, days } = await imputer.process(fusedRows);           // records in, records out
 * const { table } = await imputer.processTable(t, tableKeys(t));      // columns in, columns out
 */
import type { ColumnTable } from 'arquero';
import { column, tableFromRecords, type Rec } from '../../../engine/api/index.ts';
import { dayStats, type DayStats } from './day-stats.ts';
import {
  groupDays,
  observedValues,
  rowsAt,
  scanMissing,
  tableKeys,
  writeRows,
  type RowKeys,
} from './columns.ts';
import type { Forecaster, SeriesRequest } from './forecast.ts';
import { nativeForecasts } from './forecast.ts';
import { History } from './history.ts';
import { Industries } from './industry.ts';
import { clampKline } from './kline.ts';
import { sourceField } from './missing.ts';
import type { Method, Penalty, ResolvedField, ResolvedPolicy } from './policy.ts';

/** How one value was imputed (`row.imputation[field]`). */
export interface Imputation {
  method: Method;
  /** `prophet`, `native_<model>`, `ffill`, `industry_mean`. */
  model: string;
  source: 'Imputed_ML' | 'Imputed_Static';
  /** Confidence interval of a model forecast (`interval_width` wide), in the field's units. */
  lower?: number;
  upper?: number;
  interval_width?: number;
  /** Observed points the model was fitted on. */
  history?: number;
  /** ffill: the day the value was carried from; industry_mean: the industry and peer count. */
  from?: string;
  industry?: string;
  peers?: number;
  /** Why a native model stood in for Prophet. */
  fallback?: string;
  /** Trading days since the last observation (1 = only this day is missing). */
  gap?: number;
  /** Moved into the bar's observed high/low range (K-line logic) after imputation. */
  clamped?: boolean;
}

export type { DayStats };

/** `imputed_fields` of a row with nothing imputed (shared and frozen: rows are never mutated). */
const NOTHING_IMPUTED: readonly string[] = Object.freeze([]);

interface Cell {
  row: Rec;
  symbol: string;
  date: string;
  field: ResolvedField;
  fi: number;
  step: number;
  reasons: string[];
}

export class Imputer {
  readonly history: History;
  readonly industries = new Industries();
  /** `impute_penalty` of a row with nothing imputed (shared, frozen). */
  private readonly noPenalty: Readonly<Penalty>;
  /** Reused by {@link observeColumns} from batch to batch. */
  private observedBuffer?: Float64Array;

  constructor(
    readonly policy: ResolvedPolicy,
    private readonly forecaster: Forecaster,
  ) {
    this.history = new History(
      policy.fields.map((f) => f.name),
      policy.historyRows,
    );
    const max = policy.maxPenalty;
    this.noPenalty = Object.freeze({
      completeness: Math.min(0, max.completeness),
      accuracy: Math.min(0, max.accuracy),
    });
  }

  setIndustry(symbol: string, industry: unknown): void {
    this.industries.set(symbol, industry);
  }

  /**
   * Adds observed history (e.g. loaded from the Gold table) without imputing anything. Values of
   * rows whose `<field>_source` says they were imputed are not observations and are skipped, as
   * are rows without a symbol / trade_date.
   */
  remember(rows: readonly Rec[]): void {
    this.rememberTable(tableFromRecords(rows));
  }

  /**
   * {@link remember} for a column table (the lake seed): observed values and keys are read
   * column-wise and the history is filled per symbol in one go ({@link History.fill}).
   * @example imputer.rememberTable(await loadLakeHistory(lake, cfg, imputer.history.fields, '2024-06-03'));
   */
  rememberTable(t: ColumnTable): void {
    if (t.numRows() === 0) return;
    const { symbols, dates } = tableKeys(t);
    this.history.fill(symbols, dates, observedValues(t, this.policy.fields));
  }

  /**
   * Imputes a batch of records. Every row must have `symbol` and `trade_date` (see {@link rowKey}).
   * The rows come back as new records (the input is not modified).
   */
  async process(input: readonly Rec[]): Promise<{ rows: Rec[]; days: DayStats[] }> {
    const t = tableFromRecords(input);
    const keys = tableKeys(t);
    if (keys.bad.length)
      throw new Error(
        `row without a valid symbol/trade_date: ${JSON.stringify(input[keys.bad[0]]).slice(0, 200)}`,
      );
    const { table, days } = await this.processTable(t, keys);
    return { rows: table.objects() as Rec[], days };
  }

  /**
   * Imputes a batch given as columns, keyed by `keys` (from {@link tableKeys}, without bad rows).
   * Only rows with a missing cell are materialised and imputed; the result shares every column
   * no imputed value changed, so a batch of complete rows costs a scan of its policy columns and
   * the history update.
   */
  async processTable(t: ColumnTable, keys: RowKeys): Promise<{ table: ColumnTable; days: DayStats[] }> {
    const { fields } = this.policy;
    const nf = fields.length;
    const { symbols, dates } = keys;
    const g = groupDays(dates);
    const scan = scanMissing(t, fields, g);

    const industry = column<unknown>(t, this.policy.industry.field);
    if (industry)
      for (let i = 0; i < symbols.length; i++)
        if (industry[i] !== undefined) this.setIndustry(symbols[i], industry[i]);
    this.observeColumns(t, symbols, dates);

    // Only the rows with a gap become records; cells in row order, then field order.
    const rows = rowsAt(t, scan.rows);
    let pending: Cell[] = [];
    scan.rows.forEach((i, k) => {
      for (let fi = 0; fi < nf; fi++)
        if (scan.missing[i * nf + fi])
          pending.push({
            row: rows[k],
            symbol: symbols[i],
            date: dates[i],
            field: fields[fi],
            fi,
            step: 0,
            reasons: [],
          });
    });
    const done = new Map<Rec, Map<string, Imputation>>();
    const fill = (c: Cell, value: number, how: Imputation) => {
      c.row[c.field.name] = this.finish(c.field, value);
      c.row[sourceField(c.field.name)] = how.source;
      let m = done.get(c.row);
      if (!m) done.set(c.row, (m = new Map()));
      m.set(c.field.name, how);
    };
    const unfilled: Cell[] = [];
    while (pending.length > 0) {
      const next: Cell[] = [];
      const models: Cell[] = [];
      for (const c of pending) {
        const method = c.field.methods[c.step];
        if (method === undefined) unfilled.push(c);
        else if (method === 'prophet' || method === 'native') models.push(c);
        else {
          const got = method === 'ffill' ? this.ffill(c) : this.industryMean(c);
          if (typeof got === 'string') this.advance(c, got, next);
          else fill(c, got.value, got.how);
        }
      }
      await this.forecast(models, fill, next);
      pending = next;
    }

    const left = new Map<Rec, Cell[]>();
    for (const c of unfilled) (left.get(c.row) ?? left.set(c.row, []).get(c.row)!).push(c);
    for (const row of rows) this.annotate(row, done.get(row), left.get(row) ?? []);

    const days = dayStats(g, scan, fields, rows, (r) => ({
      methods: [...(done.get(r)?.values() ?? [])].map((h) => h.method),
      unfilled: left.get(r)?.length ?? 0,
    }));
    const table = writeRows(t, scan.rows, rows, {
      imputed_fields: NOTHING_IMPUTED,
      impute_penalty: this.noPenalty,
    });
    return { table, days };
  }

  /** Records every row's observed values in the history (rows in order: a later copy of a day wins). */
  private observeColumns(t: ColumnTable, symbols: readonly string[], dates: readonly string[]): void {
    const nf = this.policy.fields.length;
    const obs = (this.observedBuffer = observedValues(t, this.policy.fields, this.observedBuffer));
    for (let i = 0; i < symbols.length; i++) this.history.upsert(symbols[i], dates[i], obs, i * nf);
  }

  private advance(c: Cell, reason: string, next: Cell[]): void {
    c.reasons.push(`${c.field.methods[c.step]}: ${reason}`);
    c.step++;
    next.push(c);
  }

  private ffill(c: Cell): string | { value: number; how: Imputation } {
    const last = this.history.lastObserved(c.symbol, c.fi, c.date);
    if (!last) return 'no earlier observation in the history';
    if (last.gap > c.field.maxGap) return `gap of ${last.gap} days exceeds max_gap ${c.field.maxGap}`;
    return {
      value: last.value,
      how: {
        method: 'ffill',
        model: 'ffill',
        source: this.policy.lineage.ffill,
        from: last.date,
        gap: last.gap,
      },
    };
  }

  private industryMean(c: Cell): string | { value: number; how: Imputation } {
    const { minPeers } = this.policy.industry;
    if (this.industries.of(c.symbol) === undefined)
      return 'industry unknown (no stock_basic record for the symbol)';
    const m = this.industries.mean(this.history, c.symbol, c.fi, c.date, minPeers);
    if (!m) return `fewer than ${minPeers} industry peers observed on ${c.date}`;
    const how: Imputation = {
      method: 'industry_mean',
      model: 'industry_mean',
      source: this.policy.lineage.industry_mean,
      industry: m.industry,
      peers: m.peers,
    };
    return { value: m.value, how };
  }

  /** Groups model cells into series (same symbol, field and last observation), forecasts them in one call. */
  private async forecast(
    cells: Cell[],
    fill: (c: Cell, v: number, how: Imputation) => void,
    next: Cell[],
  ): Promise<void> {
    const series = new Map<string, { req: SeriesRequest; cells: Cell[]; method: Method; log: boolean }>();
    for (const c of cells) {
      const f = c.field;
      const last = this.history.lastObserved(c.symbol, c.fi, c.date);
      if (!last) {
        this.advance(c, 'no earlier observation in the history', next);
        continue;
      }
      if (last.gap > f.maxGap) {
        this.advance(c, `gap of ${last.gap} days exceeds max_gap ${f.maxGap}`, next);
        continue;
      }
      const method = f.methods[c.step];
      const id = `${c.symbol}|${f.name}|${last.date}|${method}`;
      let s = series.get(id);
      if (!s) {
        const obs = this.history.observedBefore(c.symbol, c.fi, c.date, f.fitWindow);
        const log = f.transform === 'log';
        if (obs.values.length < f.minHistory || (log && obs.values.some((v) => v <= 0))) {
          const why =
            obs.values.length < f.minHistory
              ? `${obs.values.length} observed days < min_history ${f.minHistory}`
              : 'non-positive history with transform log';
          this.advance(c, why, next);
          continue;
        }
        const values = log ? obs.values.map(Math.log) : obs.values;
        const req: SeriesRequest = {
          id,
          dates: obs.dates,
          values,
          positions: obs.positions,
          targets: [],
          targetPositions: [],
          prophet: f.prophet,
          native: f.native,
        };
        series.set(id, (s = { req, cells: [], method, log }));
      }
      if (!s.req.targets.includes(c.date)) {
        s.req.targets.push(c.date);
        s.req.targetPositions.push(this.history.position(c.symbol, c.date));
      }
      s.cells.push(c);
    }
    const all = [...series.values()];
    const prophet = all.filter((s) => s.method === 'prophet').map((s) => s.req);
    const native = all.filter((s) => s.method === 'native').map((s) => s.req);
    const results = new Map([
      ...(prophet.length ? await this.forecaster.forecast(prophet, this.policy.intervalWidth) : []),
      ...nativeForecasts(native, this.policy.intervalWidth),
    ]);
    for (const s of all) {
      const r = results.get(s.req.id);
      for (const c of s.cells) {
        if (!r || 'error' in r) {
          this.advance(c, r ? r.error : 'no forecast returned', next);
          continue;
        }
        const t = s.req.targets.indexOf(c.date);
        const back = (v: number) => (s.log ? Math.exp(v) : v);
        const method: Method = r.model === 'prophet' ? 'prophet' : 'native';
        if (!Number.isFinite(r.yhat[t])) {
          this.advance(c, `${r.model} returned a non-finite forecast`, next);
          continue;
        }
        const gap = this.history.lastObserved(c.symbol, c.fi, c.date)?.gap;
        fill(c, back(r.yhat[t]), {
          method,
          model: r.model,
          source: this.policy.lineage[method],
          lower: this.finish(c.field, back(r.lower[t]), false),
          upper: this.finish(c.field, back(r.upper[t]), false),
          interval_width: this.policy.intervalWidth,
          history: s.req.values.length,
          ...(r.fallback ? { fallback: r.fallback } : {}),
          ...(gap !== undefined ? { gap } : {}),
        });
      }
    }
  }

  /** Applies the field's floor and rounding to an imputed value. */
  private finish(f: ResolvedField, v: number, floor = true): number {
    let out = floor && f.min !== undefined ? Math.max(f.min, v) : v;
    if (f.round !== undefined) out = Number(out.toFixed(f.round));
    return out;
  }

  private annotate(row: Rec, how: Map<string, Imputation> | undefined, left: Cell[]): void {
    const fields = how ? [...how.keys()] : [];
    if (how && this.policy.kline) {
      for (const f of clampKline(row, new Set(fields), this.policy.kline)) how.get(f)!.clamped = true;
    }
    const penalty: Penalty = { completeness: 0, accuracy: 0 };
    for (const [name, h] of how ?? []) {
      const p = this.policy.penalties[h.method];
      const k = this.policy.fields.find((f) => f.name === name)?.key ? this.policy.keyMultiplier : 1;
      penalty.completeness += p.completeness * k;
      penalty.accuracy += p.accuracy * k;
    }
    row.imputed_fields = fields;
    row.impute_penalty = {
      completeness: Math.min(penalty.completeness, this.policy.maxPenalty.completeness),
      accuracy: Math.min(penalty.accuracy, this.policy.maxPenalty.accuracy),
    };
    if (how) row.imputation = Object.fromEntries(how);
    if (left.length)
      row.impute_unfilled = left.map((c) => ({
        field: c.field.name,
        reason: c.reasons.join('; ') || 'no method',
      }));
  }
}
