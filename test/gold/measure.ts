/**
 * Throughput of the Gold stage on a synthetic full market built from the real data: N symbols × D
 * trading days of QMT + Tushare Bronze rows (daily, adj_factor on day 1, daily_basic) through
 * fuse → corporate_actions → adjust → conform → one Delta replace-where commit per day.
 * Prints wall time per day, rows/s and peak RSS. Not a test: run it by hand.
 *
 *   npx tsx test/gold/measure.ts --symbols 5400 --days 5
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { concatMap, filter, from, lastValueFrom, map, toArray, type OperatorFunction } from 'rxjs';
import { parse } from 'yaml';
import type {
  Batch,
  OperatorDefinition,
  PortBatch,
  Rec,
  SpecDoc,
  Transform,
} from '../../engine/api/index.ts';
import { settle } from '../../engine/api/index.ts';
import { createLake } from '../../engine/lake/index.ts';
import { nodeOperator } from '../../engine/runtime/node-operator.ts';
import { testContext } from '../../engine/testing/context.ts';
import { testBatch } from '../../engine/testing/drivers.ts';
import { readRealDaily, realSymbols } from '../../operators/lib/hfq/real-data.ts';
import { policyDoc } from '../../operators/lib/fusion/testing.ts';
import adjust from '../../operators/transforms/adjust.ts';
import conform from '../../operators/transforms/conform.ts';
import actions from '../../operators/transforms/corporate_actions.ts';
import fuse from '../../operators/transforms/fuse.ts';

const { values } = parseArgs({
  options: { symbols: { type: 'string', default: '5400' }, days: { type: 'string', default: '5' } },
});
const nSymbols = Number(values.symbols);
const nDays = Number(values.days);
const root = mkdtempSync(join(tmpdir(), 'argus-gold-measure-'));
const lake = createLake(join(root, 'lake'));
const schemaFile = new URL('../../schemas/gold/a_share_daily/v1.yaml', import.meta.url);
const gold = { ...(parse(readFileSync(schemaFile, 'utf8')) as SpecDoc), file: schemaFile.pathname };
const ctx = (node: string) => testContext({ node, root, specs: [policyDoc(), gold], backends: { lake } });

const real = realSymbols().map((s) => readRealDaily(s));
const dates = real[0].slice(100, 100 + nDays).map((r) => r.trade_date);
if (dates.length < nDays)
  throw new Error(
    `the real data has ${dates.length} days from the start offset; use --days ≤ ${dates.length}`,
  );
const code = (i: number) =>
  i % 2 ? `${String(600000 + i).padStart(6, '0')}.SH` : `${String(i).padStart(6, '0')}.SZ`;

/** One day of Bronze, one batch per source dataset (as Delta partitions arrive). */
function bronzeDay(d: number): Batch[] {
  const per: Record<string, Rec[]> = { qmt: [], daily: [], adj: [], basic: [] };
  for (let i = 0; i < nSymbols; i++) {
    const r = real[i % real.length][100 + d];
    const symbol = code(i);
    const base = {
      ...r, // the real bar's fields (RealRow)
      symbol,
      fetched_at: '2024-01-01T08:00:00Z',
    };
    per.qmt.push({ ...base, source: 'qmt', dataset: 'hist_kline' });
    per.daily.push({ ...base, source: 'tushare', dataset: 'daily' });
    per.adj.push({
      source: 'tushare',
      dataset: 'adj_factor',
      symbol,
      trade_date: r.trade_date,
      adj_factor: 1 + (i % 97),
    });
    per.basic.push({
      source: 'tushare',
      dataset: 'daily_basic',
      symbol,
      trade_date: r.trade_date,
      pe_ttm: 15,
      pb: 2,
      dv_ttm: 1.5,
      total_mv: r.close * 1e9,
    });
  }
  return Object.values(per)
    .filter((l) => l.length)
    .map((l) => testBatch(l));
}

async function main() {
  const ops = await Promise.all(
    (
      [
        [fuse, { policy: 'a_share_daily', quiet_ms: 60_000, tick_ms: 5 }],
        [actions, {}],
        [adjust, {}],
        [conform, { schema: 'gold.a_share_daily', version: 1, now_columns: ['last_verified_utc'] }],
      ] as [OperatorDefinition, unknown][]
    ).map(async ([def, cfg], i) =>
      nodeOperator(`n${i}`, (await def.create(cfg, ctx(def.type))) as Transform),
    ),
  );
  const table = await lake.ensure(gold as never);
  const dropped: Record<string, number> = {};
  const out = (p: PortBatch) => {
    if (p.port === 'out') return true;
    dropped[p.port] = (dropped[p.port] ?? 0) + p.batch.records.length;
    if (p.port === 'error' && dropped.error === p.batch.records.length)
      console.error('first error:', JSON.stringify(p.batch.records[0]).slice(0, 400));
    settle(p.batch, 'delivered');
    return false;
  };
  // Days arrive one after the other (as Delta partitions do), built lazily so memory stays flat.
  let rowsIn = 0;
  async function* bronze(): AsyncGenerator<Batch> {
    for (let d = 0; d < nDays; d++) {
      for (const b of bronzeDay(d)) {
        rowsIn += b.records.length;
        yield b;
      }
      await new Promise((r) => setTimeout(r, 2));
    }
  }
  const t0 = performance.now();
  const perDay: number[] = [];
  let last = t0;
  const step = (op: OperatorFunction<Batch, PortBatch>) =>
    [op, filter(out), map((p: PortBatch) => p.batch)] as const;
  const [f, a, adj, c] = ops;
  const days = await lastValueFrom(
    from(bronze())
      .pipe(...step(f), ...step(a), ...step(adj))
      .pipe(
        map((b: Batch): Batch => ({
          ...b,
          records: b.records.map((r) => ({ ...r, data_quality_score: 100 })),
        })),
        ...step(c),
        filter((b: Batch) => Boolean(b.meta.trade_date) && b.records.length > 0),
        concatMap(async (b: Batch) => {
          await table.replaceWhere({ trade_date: b.meta.trade_date }, b.records, {
            txn: { appId: `gold:${String(b.meta.trade_date)}`, version: Number(b.meta.partitionTxnVersion) },
          });
          settle(b, 'delivered');
          const now = performance.now();
          perDay.push(now - last);
          last = now;
          return b.records.length;
        }),
        toArray(),
      ),
  );
  const ms = performance.now() - t0;
  const rows = days.reduce((s, n) => s + n, 0);
  console.log(
    JSON.stringify({
      symbols: nSymbols,
      days: dates.length,
      bronze_rows: rowsIn,
      gold_rows: rows,
      seconds: +(ms / 1000).toFixed(2),
      gold_rows_per_s: Math.round(rows / (ms / 1000)),
      ms_per_day: perDay.map((x) => Math.round(x)),
      not_published: dropped,
      peak_rss_mib: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
  rmSync(root, { recursive: true, force: true });
}

await main();
