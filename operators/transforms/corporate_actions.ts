/**
 * `corporate_actions`: remembers Tushare `dividend` and `report_rc` rows as they pass (fuse forwards
 * them ahead of each day's fused rows) and fills the supplementary Gold fields of fused rows:
 * `div_cash` (pre-tax cash_div_tax of implemented dividends on the ex-date), `split_ratio`
 * (1 + stk_div on the ex-date), `analyst_rating` (latest normalised broker rating as of the date),
 * each with `<field>_source`. Event rows are consumed; unusable ones go to `error` with the reason.
 *
 * Column-wise: the six fields are added as columns to the input table (shared, not copied, when the
 * batch holds only fused rows); the rare event rows are read as records.
 *
 * @example
 * - id: actions
 *   type: corporate_actions
 *   inputs: [fuse]
 *   config: {rating_max_age_days: 180}
 */
import type { ColumnTable } from 'arquero';
import type { Batch, Lake, Rec } from '../../engine/api/index.ts';
import { column, columnsOf, defineOperator, takeRows } from '../../engine/api/index.ts';
import { dividendFields, EventBook, DEFAULT_RATING_MAP } from '../lib/fusion/corporate-actions.ts';

export interface CorporateActionsConfig {
  dividend_dataset?: string;
  rating_dataset?: string;
  /** Lineage written for the filled fields (Tushare is the only source of these fields). */
  lineage?: string;
  implemented?: string;
  rating_map?: Record<string, string>;
  rating_max_age_days?: number;
  /**
   * Lake tables read once before the first batch, so events older than the rows being processed
   * (a dividend announced before a backfill's first day) are known: `{dividend: bronze/tushare_dividend}`.
   */
  preload?: { dividend?: string; report_rc?: string };
}

export default defineOperator<CorporateActionsConfig>({
  type: 'corporate_actions',
  role: 'transform',
  description:
    'Fills div_cash, split_ratio and analyst_rating of fused rows from Tushare dividend and report_rc rows seen so far.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      dividend_dataset: { type: 'string', default: 'dividend' },
      rating_dataset: { type: 'string', default: 'report_rc' },
      lineage: { type: 'string', default: 'Tushare' },
      implemented: { type: 'string', default: '实施' },
      rating_map: { type: 'object', additionalProperties: { type: 'string' } },
      rating_max_age_days: { type: 'integer', minimum: 0, default: 180 },
      preload: {
        type: 'object',
        additionalProperties: false,
        properties: { dividend: { type: 'string' }, report_rc: { type: 'string' } },
        description: 'lake tables (Bronze) to read before the first batch',
      },
    },
  },
  examples: [
    {
      title: 'Ex-date of a cash dividend',
      config: {},
      input: [
        {
          source: 'tushare',
          dataset: 'dividend',
          symbol: '000001.SZ',
          end_date: '20231231',
          div_proc: '实施',
          cash_div_tax: 0.719,
          stk_div: 0,
          ex_date: '20240614',
        },
        { symbol: '000001.SZ', trade_date: '2024-06-14', close: 10.3 },
      ],
      output: [
        {
          symbol: '000001.SZ',
          trade_date: '2024-06-14',
          close: 10.3,
          div_cash: 0.719,
          div_cash_source: 'Tushare',
          split_ratio: null,
          analyst_rating: null,
        },
      ],
    },
  ],
  create(config, ctx) {
    const dividendDs = config.dividend_dataset ?? 'dividend';
    const ratingDs = config.rating_dataset ?? 'report_rc';
    const lineage = config.lineage ?? 'Tushare';
    const book = new EventBook({
      implemented: config.implemented,
      ratingMap: { ...DEFAULT_RATING_MAP, ...(config.rating_map ?? {}) },
      ratingMaxAgeDays: config.rating_max_age_days,
    });
    let preloaded: Promise<void> | undefined;
    /** Reads the configured Bronze tables into the book (once; missing tables are empty). */
    const preload = async () => {
      const lake = ctx.backend<Lake>('lake');
      for (const [kind, name] of Object.entries(config.preload ?? {})) {
        const table = lake.table(name);
        if (!(await table.exists())) {
          ctx.logger.warn({ table: name }, 'corporate_actions: preload table does not exist yet');
          continue;
        }
        let unusable = 0;
        for (const r of await table.read()) {
          const symbol = String(r.symbol ?? '');
          try {
            if ((kind === 'dividend' ? book.addDividend(symbol, r) : book.addRating(symbol, r)) !== undefined)
              unusable++;
          } catch {
            unusable++;
          }
        }
        // Already in Bronze, so not dead-lettered again here; counted for the operator's log.
        if (unusable)
          ctx.logger.warn(
            { table: name, unusable },
            'corporate_actions: preloaded rows that could not be used',
          );
      }
    };
    const fail = (r: Rec, reason: string): Rec => ({
      node: ctx.node,
      reason: `corporate_actions: ${reason}`,
      at: new Date().toISOString(),
      record: r,
    });

    const recordOf = (batch: Batch, t: ColumnTable, i: number): Rec =>
      batch.table ? (t.object(i) as Rec) : batch.records[i];

    return {
      kind: 'batch',
      async process(batch, emit) {
        if (config.preload) await (preloaded ??= preload());
        const t = columnsOf(batch);
        const n = t.numRows();
        const datasets = column<unknown>(t, 'dataset');
        // Events first, so an ex-date in the same batch as its day's rows still applies.
        let rows: number[] | undefined; // the fused rows' indices, once an event row is seen
        for (let i = 0; i < n; i++) {
          const ds = datasets?.[i];
          if (ds !== dividendDs && ds !== ratingDs) {
            rows?.push(i);
            continue;
          }
          rows ??= Array.from({ length: i }, (_, k) => k);
          const r = recordOf(batch, t, i);
          const symbol =
            typeof r.symbol === 'string' ? r.symbol : typeof r.ts_code === 'string' ? r.ts_code : undefined;
          if (!symbol) {
            emit(fail(r, `${String(ds)} row without symbol`), 'error');
            continue;
          }
          try {
            const why = ds === dividendDs ? book.addDividend(symbol, r) : book.addRating(symbol, r);
            if (why) emit(fail(r, why), 'error');
          } catch (err) {
            emit(fail(r, (err as Error).message), 'error');
          }
        }
        const symbols = column<unknown>(t, 'symbol');
        const dates = column<unknown>(t, 'trade_date');
        const m = rows ? rows.length : n;
        const keep: number[] = []; // input index of each output row
        const divCash = new Array<unknown>(m);
        const divSource = new Array<unknown>(m);
        const split = new Array<unknown>(m);
        const splitSource = new Array<unknown>(m);
        const rating = new Array<unknown>(m);
        const ratingSource = new Array<unknown>(m);
        let o = 0;
        for (let k = 0; k < m; k++) {
          const i = rows ? rows[k] : k;
          const symbol = symbols?.[i];
          const date = dates?.[i];
          if (typeof symbol !== 'string' || typeof date !== 'string') {
            emit(fail(recordOf(batch, t, i), 'row has no symbol/trade_date'), 'error');
            continue;
          }
          const events = book.dividendsOn(symbol, date);
          const f = events ? dividendFields(events) : undefined;
          const a = book.ratingAsOf(symbol, date);
          divCash[o] = f?.div_cash ?? null;
          divSource[o] = f?.div_cash == null ? null : lineage;
          split[o] = f?.split_ratio ?? null;
          splitSource[o] = f?.split_ratio == null ? null : lineage;
          rating[o] = a;
          ratingSource[o] = a === null ? null : lineage;
          keep.push(i);
          o++;
        }
        if (o === 0) return;
        for (const col of [divCash, divSource, split, splitSource, rating, ratingSource]) col.length = o;
        // Usually every row is a fused row: the input columns are shared, not copied.
        const base = o === n ? t : takeRows(t, keep);
        emit.table(
          base.assign({
            div_cash: divCash,
            div_cash_source: divSource,
            split_ratio: split,
            split_ratio_source: splitSource,
            analyst_rating: rating,
            analyst_rating_source: ratingSource,
          }),
        );
      },
    };
  },
});
