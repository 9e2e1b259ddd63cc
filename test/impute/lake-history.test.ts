/**
 * History from the lake: a node started on an empty memory seeds its per-symbol history from a real
 * Delta table (engine/lake), turning Gold's hfq prices back into raw ones and ignoring values that
 * were themselves imputed, so the first batch is already forecast rather than carried forward.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import type { Rec, SpecDoc } from '../../engine/api/index.ts';
import { createLake } from '../../engine/lake/index.ts';
import { testContext } from '../../engine/testing/context.ts';
import { runTransform } from '../../engine/testing/drivers.ts';
import { loadTushareDaily } from '../../operators/lib/impute/evaluate.ts';
import type { ImputePolicySpec } from '../../operators/lib/impute/policy.ts';
import impute from '../../operators/transforms/impute.ts';
import { REAL_DATA_DIR } from '../../operators/lib/hfq/real-data.ts';

const policyFile = new URL('../../policies/impute.yaml', import.meta.url);
const doc = parse(readFileSync(policyFile, 'utf8')) as SpecDoc<ImputePolicySpec>;
const policy: SpecDoc<ImputePolicySpec> = {
  ...doc,
  file: policyFile.pathname,
  spec: { ...doc.spec, fields: doc.spec.fields.filter((f) => f.key) },
};
const root = mkdtempSync(join(tmpdir(), 'argus-impute-lake-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('impute history from a Delta table', () => {
  it('seeds from Gold (hfq → raw, imputed values skipped) and forecasts the very first batch', async () => {
    const lake = createLake(join(root, 'lake'));
    const bars = loadTushareDaily(REAL_DATA_DIR, {
      symbols: ['000001.SZ', '600519.SH'],
      lastDays: 61,
    });
    const history = bars.filter((r) => (r.trade_date as string) < '2024-12-31');
    const today = bars.filter((r) => r.trade_date === '2024-12-31');
    expect(history).toHaveLength(120);
    const factor = (s: unknown) => (s === '000001.SZ' ? 120.5 : 8.25);
    const gold = history.map((r, i) => ({
      symbol: r.symbol,
      trade_date: r.trade_date,
      open: (r.open as number) * factor(r.symbol),
      high: (r.high as number) * factor(r.symbol),
      low: (r.low as number) * factor(r.symbol),
      // 000001.SZ's last Gold close (2024-12-30) was imputed earlier: absurd on purpose, it must not be learnt.
      close: i === 59 ? 1e9 : (r.close as number) * factor(r.symbol),
      close_source: i === 59 ? 'Imputed_ML' : 'Tushare',
      volume: r.volume,
      turnover: r.turnover,
      adj_factor: factor(r.symbol),
    }));
    const table = await lake.ensure({
      metadata: { name: 'gold.test_history', version: 1 },
      spec: {
        table: 'gold/a_share_daily',
        partitionBy: ['trade_date'],
        columns: [
          { name: 'trade_date', type: 'date', nullable: false },
          { name: 'symbol', type: 'string', nullable: false },
          ...['open', 'high', 'low', 'close', 'turnover', 'adj_factor'].map((name) => ({
            name,
            type: 'double',
            nullable: false,
          })),
          { name: 'volume', type: 'long', nullable: false },
          { name: 'close_source', type: 'string', nullable: false },
        ],
      },
    });
    await table.append(gold);

    const batch: Rec[] = today.map((r) => ({ ...r, close: null, close_source: null }));
    const ctx = testContext({ specs: [policy], backends: { lake } });
    const config = {
      forecaster: 'native' as const,
      history: {
        table: 'gold/a_share_daily',
        lookback_days: 120,
        unadjust: { factor: 'adj_factor', fields: ['open', 'high', 'low', 'close'] },
      },
    };
    const out = await runTransform(impute, config, [batch], ctx);
    for (const r of out.out) {
      const truth = today.find((t) => t.symbol === r.symbol)!.close as number;
      const how = (r.imputation as Record<string, Rec>).close;
      // Forecast (not carried forward) from the 60 seeded days, minus the one imputed in Gold,
      // which counts as a missing day: a gap of 2 for 000001.SZ.
      expect(how).toMatchObject({
        method: 'native',
        source: 'Imputed_ML',
        gap: r.symbol === '000001.SZ' ? 2 : 1,
      });
      expect(how.history).toBe(r.symbol === '000001.SZ' ? 59 : 60);
      // Raw scale (hfq divided back), within a few percent of the real close.
      expect(Math.abs((r.close as number) - truth) / truth).toBeLessThan(0.05);
    }
    expect(out.stats[0]).toMatchObject({ key_missing_max_before: 1, key_missing_max: 0 });
  });

  it('starts empty when the table does not exist yet, without failing the batch', async () => {
    const lake = createLake(join(root, 'empty-lake'));
    const bars = loadTushareDaily(REAL_DATA_DIR, { symbols: ['000001.SZ'], lastDays: 1 });
    const out = await runTransform(
      impute,
      { forecaster: 'native', history: { table: 'gold/a_share_daily' } },
      [bars],
      testContext({ specs: [policy], backends: { lake } }),
    );
    expect(out.out).toHaveLength(1);
    expect(out.error).toBeUndefined();
  });
});
