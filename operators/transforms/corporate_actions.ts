/**
 * `corporate_actions`: remembers Tushare `dividend` and `report_rc` rows as they pass (fuse forwards
 * them ahead of each day's fused rows) and fills the supplementary Gold fields of fused rows:
 * `div_cash` (pre-tax cash_div_tax of implemented dividends on the ex-date), `split_ratio`
 * (1 + stk_div on the ex-date), `analyst_rating` (latest normalised broker rating as of the date),
 * each with `<field>_source`. Event rows are consumed; unusable ones go to `error` with the reason.
 *
 * @example
 * - id: actions
 *   type: corporate_actions
 *   inputs: [fuse]
 *   config: {rating_max_age_days: 180}
 */
import type { Rec } from '../../engine/api/index.ts';
import { defineOperator } from '../../engine/api/index.ts';
import { EventBook, DEFAULT_RATING_MAP } from '../lib/fusion/corporate-actions.ts';

export interface CorporateActionsConfig {
  dividend_dataset?: string;
  rating_dataset?: string;
  /** Lineage written for the filled fields (Tushare is the only source of these fields). */
  lineage?: string;
  implemented?: string;
  rating_map?: Record<string, string>;
  rating_max_age_days?: number;
}

export default defineOperator<CorporateActionsConfig>({
  type: 'corporate_actions',
  role: 'transform',
  description: 'Fills div_cash, split_ratio and analyst_rating of fused rows from Tushare dividend and report_rc rows seen so far.',
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
    },
  },
  examples: [
    {
      title: 'Ex-date of a cash dividend',
      config: {},
      input: [
        { source: 'tushare', dataset: 'dividend', symbol: '000001.SZ', end_date: '20231231', div_proc: '实施', cash_div_tax: 0.719, stk_div: 0, ex_date: '20240614' },
        { symbol: '000001.SZ', trade_date: '2024-06-14', close: 10.3 },
      ],
      output: [{ symbol: '000001.SZ', trade_date: '2024-06-14', close: 10.3, div_cash: 0.719, div_cash_source: 'Tushare', split_ratio: null, analyst_rating: null }],
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
    const fail = (r: Rec, reason: string): Rec => ({ node: ctx.node, reason: `corporate_actions: ${reason}`, at: new Date().toISOString(), record: r });

    return {
      kind: 'batch',
      process(batch, emit) {
        // Events first, so an ex-date in the same batch as its day's rows still applies.
        const rows: Rec[] = [];
        for (const r of batch.records) {
          const ds = r.dataset;
          if (ds !== dividendDs && ds !== ratingDs) {
            rows.push(r);
            continue;
          }
          const symbol = typeof r.symbol === 'string' ? r.symbol : typeof r.ts_code === 'string' ? r.ts_code : undefined;
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
        for (const r of rows) {
          if (typeof r.symbol !== 'string' || typeof r.trade_date !== 'string') {
            emit(fail(r, 'row has no symbol/trade_date'), 'error');
            continue;
          }
          const f = book.fieldsFor(r.symbol, r.trade_date);
          emit({
            ...r,
            div_cash: f.div_cash, div_cash_source: f.div_cash === null ? null : lineage,
            split_ratio: f.split_ratio, split_ratio_source: f.split_ratio === null ? null : lineage,
            analyst_rating: f.analyst_rating, analyst_rating_source: f.analyst_rating === null ? null : lineage,
          });
        }
      },
    };
  },
});
