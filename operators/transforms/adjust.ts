/**
 * `adjust`: back adjustment (后复权, hfq). Prices (open/high/low/close/pre_close by default) become
 * raw × adj_factor, stored with 4 decimals that round to the same cent as Tushare `pro_bar(adj='hfq')`
 * (Python `'%.2f'`, half-even on the exact double). Volume and amount are not adjusted.
 *
 * When the row has no valid factor, the factor is derived from the previous trading day:
 * factor(T) = factor(T−1) × close(T−1) / pre_close(T) (lineage `System_Calculated`), or, without a
 * pre_close, carried over from the previous day (lineage `Imputed_Static`). The operator keeps the
 * last days per symbol in memory; days must arrive in date order per symbol (fuse emits one day per
 * batch, oldest first). A row whose factor cannot be found at all goes to `error` with the reason.
 *
 * Column-wise (records input is read through `columnsOf`): the output is the input table with the
 * factor, its lineage and the prices replaced (typed columns) and `<price>_raw` added; every other
 * column is shared, not copied. Rows come out in (symbol, trade_date) order, as they are processed.
 *
 * @example
 * - id: adjust
 *   type: adjust
 *   inputs: [fuse]
 *   config: {keep_raw: true}
 */
import type { ColumnTable } from 'arquero';
import type { Batch, Emit, Lake, Rec } from '../../engine/api/index.ts';
import { column, columnsOf, defineOperator } from '../../engine/api/index.ts';
import { hfqColumns, rowOrder } from '../lib/hfq/columns.ts';
import { FactorState } from '../lib/hfq/index.ts';
import { seedFactorState } from '../lib/hfq/seed.ts';

export interface AdjustConfig {
  /** Price columns to adjust. */
  prices?: string[];
  /** Column holding the cumulative factor (from fuse). */
  factor?: string;
  /** Raw close and ex-rights reference price used for derivation. */
  close?: string;
  pre_close?: string;
  /** Decimals of a derived factor (Tushare publishes 3). */
  factor_decimals?: number;
  /** Copy the raw prices to `<price>_raw` (the consistency gate and audits read them). */
  keep_raw?: boolean;
  /** Factor for a symbol with no factor and no history (e.g. 1 for a fresh listing); default: error. */
  initial_factor?: number;
  /** Days remembered per symbol (re-running a recent day still finds its previous day). */
  memory_days?: number;
  /**
   * Lake table (Gold) to seed the per-symbol state from before the first batch: the latest row of
   * each symbol within `seed_days` calendar days before the batch's first trading day. The raw close
   * is recovered as close / adj_factor rounded to `price_decimals` (exact: Gold is within 0.0001).
   */
  seed_table?: string;
  seed_days?: number;
  price_decimals?: number;
}

export default defineOperator<AdjustConfig>({
  type: 'adjust',
  role: 'transform',
  description:
    'Back-adjusts (hfq) prices by adj_factor, deriving missing factors from the previous day and the ex-rights reference price; pro_bar-exact to the cent.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      prices: {
        type: 'array',
        items: { type: 'string' },
        default: ['open', 'high', 'low', 'close', 'pre_close'],
      },
      factor: { type: 'string', default: 'adj_factor' },
      close: { type: 'string', default: 'close' },
      pre_close: { type: 'string', default: 'pre_close' },
      factor_decimals: { type: 'integer', minimum: 0, maximum: 12, default: 3 },
      keep_raw: { type: 'boolean', default: true },
      initial_factor: { type: 'number', exclusiveMinimum: 0 },
      memory_days: { type: 'integer', minimum: 1, default: 16 },
      seed_table: { type: 'string', description: 'e.g. gold/a_share_daily' },
      seed_days: { type: 'integer', minimum: 1, default: 30 },
      price_decimals: { type: 'integer', minimum: 0, maximum: 6, default: 2 },
    },
  },
  examples: [
    {
      title: 'hfq with derived factors',
      config: {},
      input: [
        {
          symbol: '000001.SZ',
          trade_date: '2020-05-28',
          open: 12.8,
          high: 13,
          low: 12.7,
          close: 12.9,
          pre_close: 12.78,
          adj_factor: null,
        },
      ],
      output: [
        {
          symbol: '000001.SZ',
          trade_date: '2020-05-28',
          close: 1432.5192,
          adj_factor: 111.048,
          adj_factor_source: 'System_Calculated',
        },
      ],
    },
  ],
  create(config, ctx) {
    const prices = config.prices ?? ['open', 'high', 'low', 'close', 'pre_close'];
    const factorCol = config.factor ?? 'adj_factor';
    const closeCol = config.close ?? 'close';
    const preCol = config.pre_close ?? 'pre_close';
    const decimals = config.factor_decimals ?? 3;
    const keepRaw = config.keep_raw ?? true;
    const state = new FactorState(config.memory_days ?? 16);

    let seeded: Promise<void> | undefined;
    const seed = async (firstDay: string) => {
      const table = ctx.backend<Lake>('lake').table(config.seed_table!);
      if (!(await table.exists())) return;
      const from = new Date(Date.parse(`${firstDay}T00:00:00Z`) - (config.seed_days ?? 30) * 86_400_000)
        .toISOString()
        .slice(0, 10);
      const rows = seedFactorState(
        state,
        await table.readTable({
          partitions: { trade_date: { gte: from, lt: firstDay } },
          columns: ['symbol', 'trade_date', closeCol, factorCol],
        }),
        { closeCol, factorCol, priceDecimals: config.price_decimals ?? 2 },
      );
      ctx.logger.info(
        { table: config.seed_table, from, to: firstDay, rows, symbols: state.size },
        'adjust: seeded previous days',
      );
    };

    /** The input row `i` as a record, for the error port. */
    const recordOf = (batch: Batch, t: ColumnTable, i: number): Rec =>
      batch.table ? (t.object(i) as Rec) : batch.records[i];

    return {
      kind: 'batch',
      async process(batch, emit: Emit) {
        const t = columnsOf(batch);
        const n = t.numRows();
        if (n === 0) return;
        const symbols = column<unknown>(t, 'symbol');
        const dates = column<unknown>(t, 'trade_date');
        if (config.seed_table) {
          let first = String(dates?.[0]);
          for (let i = 1; i < n; i++) if (String(dates?.[i]) < first) first = String(dates?.[i]);
          await (seeded ??= seed(first));
        }
        // Per symbol in date order: the previous day must be known before the next is adjusted.
        // Fuse emits a day sorted by symbol, so this is usually the identity (no copy below).
        const order = rowOrder(symbols, dates, n);
        const res = hfqColumns(t, order, state, {
          prices,
          factorCol,
          closeCol,
          preCol,
          decimals,
          keepRaw,
          initialFactor: config.initial_factor,
        });
        for (const e of res.errors)
          emit(
            {
              node: ctx.node,
              reason: e.reason,
              at: new Date().toISOString(),
              record: recordOf(batch, t, e.row),
            },
            'error',
          );
        if (res.table.numRows() > 0) emit.table(res.table);
      },
    };
  },
});
