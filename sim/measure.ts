/**
 * Measures the acceptance figure of issue 11: collecting one full-market trading day through both
 * source operators (QMT agent daily bars, batched under the 20 requests/min limit, and Tushare
 * daily/adj_factor/daily_basic by trade_date) from the simulator.
 *
 * Usage: `npx tsx sim/measure.ts [--symbols 5400] [--date 20241231]`
 */
import { readSource } from '../engine/testing/drivers.ts';
import { testContext } from '../engine/testing/context.ts';
import qmtAgent from '../operators/sources/qmt_agent.ts';
import tushare from '../operators/sources/tushare.ts';
import { startSimulator } from './index.ts';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};

const symbols = Number(arg('symbols', '5400'));
const day = arg('date', '20241231');
const t0 = performance.now();
const sim = await startSimulator({ symbols, from: '20240101', to: '20241231', seed: 1 });
const tStart = performance.now() - t0;
const secrets = async (_p: string, key: string) => (key === 'token' ? sim.tushareToken : sim.qmtApiKey);
const ctx = testContext({ secrets });
const rows = (es: { records: Record<string, unknown>[]; port?: string }[]) =>
  es
    .filter((e) => !e.port)
    .flatMap((e) => e.records)
    .reduce((n, r) => n + (r.rows as unknown[]).length, 0);

const t1 = performance.now();
const [q, t] = await Promise.all([
  readSource(
    qmtAgent,
    {
      base_url: sim.qmtUrl,
      api_key: '${secret:kv/argus/qmt#api_key}',
      datasets: ['daily'],
      trade_date: day,
      symbols: 'all',
      batch_size: 500,
    },
    ctx,
  ),
  readSource(
    tushare,
    {
      base_url: sim.tushareUrl,
      token: '${secret:kv/argus/tushare#token}',
      datasets: ['daily', 'adj_factor', 'daily_basic', 'dividend', 'stock_basic', 'trade_cal', 'report_rc'],
      trade_date: day,
    },
    ctx,
  ),
]);
const tCollect = performance.now() - t1;
console.log(
  JSON.stringify({
    symbols,
    day,
    simulator_start_ms: Math.round(tStart),
    collect_ms: Math.round(tCollect),
    qmt: {
      records: q.filter((e) => !e.port).reduce((n, e) => n + e.records.length, 0),
      rows: rows(q),
      requests: sim.stats.qmt.requests,
      rejected: sim.stats.qmt.rejected,
    },
    tushare: { rows: rows(t), requests: sim.stats.tushare.requests },
    errors: [...q, ...t].filter((e) => e.port === 'error').length,
  }),
);
await sim.stop();
