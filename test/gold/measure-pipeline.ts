/**
 * Wall time of `pipelines/gold.yaml` in the real engine for a synthetic full market built from the
 * real data: N symbols × D days of Bronze (QMT hist_kline, Tushare daily, adj_factor, daily_basic)
 * written to Delta first (not timed), then Bronze → fuse → … → Gold commits (timed). Not a test.
 *
 *   npx tsx test/gold/measure-pipeline.ts --symbols 5400 --days 1
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { parse } from 'yaml';
import { argusRegistry } from '../../argus.ts';
import type { Rec } from '../../engine/api/index.ts';
import { createLake } from '../../engine/lake/index.ts';
import { Engine } from '../../engine/runtime/engine.ts';
import { readRealDaily, realSymbols } from '../../operators/lib/hfq/real-data.ts';

const { values } = parseArgs({
  options: { symbols: { type: 'string', default: '5400' }, days: { type: 'string', default: '1' } },
});
const nSymbols = Number(values.symbols);
const nDays = Number(values.days);
const repo = new URL('../../', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'argus-gold-measure-'));
const lake = createLake(join(root, 'lake'));
const real = realSymbols().map((s) => readRealDaily(s));
const START = 200;
const code = (i: number) =>
  i % 2 ? `${String(600000 + i).padStart(6, '0')}.SH` : `${String(i).padStart(6, '0')}.SZ`;
const fetched_at = new Date('2024-06-21T08:00:00Z');

async function table(name: string, rows: Rec[]): Promise<void> {
  const doc = parse(readFileSync(join(repo, 'schemas/bronze', `${name}.yaml`), 'utf8'));
  const cols = (doc.spec.columns as { name: string }[]).map((c) => c.name);
  await (
    await lake.ensure(doc)
  ).append(rows.map((r) => Object.fromEntries(cols.map((c) => [c, r[c] ?? null]))));
}

async function main() {
  for (let d = 0; d < nDays; d++) {
    const q: Rec[] = [],
      t: Rec[] = [],
      a: Rec[] = [],
      b: Rec[] = [];
    for (let i = 0; i < nSymbols; i++) {
      const r = real[i % real.length][START + d];
      const symbol = code(i);
      const meta = { fetched_at, event_id: `01J${String(d * nSymbols + i).padStart(23, '0')}` };
      const bar = {
        ...r, // the real bar's fields (RealRow)
        symbol,
        ...meta,
      };
      q.push({ ...bar, source: 'qmt', dataset: 'hist_kline', suspend_flag: 0 });
      t.push({ ...bar, source: 'tushare', dataset: 'daily' });
      a.push({
        symbol,
        trade_date: r.trade_date,
        adj_factor: 1 + (i % 97),
        source: 'tushare',
        dataset: 'adj_factor',
        ...meta,
      });
      b.push({
        symbol,
        trade_date: r.trade_date,
        pe_ttm: 15,
        pb: 2,
        dv_ttm: 1.5,
        total_mv: r.close * 1e9,
        source: 'tushare',
        dataset: 'daily_basic',
        ...meta,
      });
    }
    await table('qmt_hist_kline', q);
    await table('tushare_daily', t);
    await table('tushare_adj_factor', a);
    await table('tushare_daily_basic', b);
  }
  const days = real[0].slice(START, START + nDays).map((r) => r.trade_date);
  process.env.ARGUS_FROM = days[0];
  process.env.ARGUS_TO = days.at(-1);
  const t0 = performance.now();
  const engine = Engine.create({
    registry: await argusRegistry(),
    root,
    lakeRoot: join(root, 'lake'),
    backends: { lake: () => lake },
    logger: pino({ level: 'warn' }),
  });
  const errors = await engine.load([
    join(repo, 'pipelines/gold.yaml'),
    join(repo, 'policies'),
    join(repo, 'schemas'),
  ]);
  if (errors.length) throw new Error(JSON.stringify(errors));
  await engine.start();
  await engine.done();
  await engine.stop();
  const seconds = (performance.now() - t0) / 1000;
  const gold = await lake.table('gold/a_share_daily').read({ columns: ['symbol'] });
  console.log(
    JSON.stringify({
      symbols: nSymbols,
      days: nDays,
      gold_rows: gold.length,
      seconds: +seconds.toFixed(2),
      rows_per_s: Math.round(gold.length / seconds),
      failures: engine.failures.length,
      peak_rss_mib: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
  rmSync(root, { recursive: true, force: true });
}

await main();
