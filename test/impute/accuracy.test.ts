/**
 * Proof on real data (issue 9): gaps injected into known values of the recorded Tushare bars
 * (sim/data/tushare-daily, ten large A-shares) are filled by the `impute` operator with the
 * real Prophet worker, by the native fallback models, and by forward fill alone; each is scored
 * against the held-out truth (MAPE), and the missing rate is measured before and after.
 *
 * Sizes are kept small (about 40 Prophet fits) because the machine's two cores are shared.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { Rec, SpecDoc } from '../../engine/api/index.ts';
import { testContext } from '../../engine/testing/context.ts';
import { runTransform } from '../../engine/testing/drivers.ts';
import {
  injectGaps,
  loadTushareDaily,
  pooled,
  scoreRows,
  type FieldScore,
} from '../../operators/lib/impute/evaluate.ts';
import type { ImputePolicySpec } from '../../operators/lib/impute/policy.ts';
import impute from '../../operators/transforms/impute.ts';
import { services } from '../helpers/services.ts';
import { REAL_DATA_DIR } from '../../operators/lib/hfq/real-data.ts';

const KEY = ['open', 'high', 'low', 'close', 'volume', 'turnover'];
const PRICES = ['open', 'high', 'low', 'close'];
const SIZES = ['volume', 'turnover'];

const policyFile = new URL('../../policies/impute.yaml', import.meta.url);
const policy = parse(readFileSync(policyFile, 'utf8')) as SpecDoc<ImputePolicySpec>;
// The proof is about the key fields the daily bars carry.
const keyOnly: SpecDoc<ImputePolicySpec> = {
  ...policy,
  file: policyFile.pathname,
  spec: { ...policy.spec, fields: policy.spec.fields.filter((f) => f.key) },
};
const ffillOnly: SpecDoc<ImputePolicySpec> = {
  ...keyOnly,
  metadata: { name: 'ffill-only', version: 1 },
  spec: { ...keyOnly.spec, fields: keyOnly.spec.fields.map((f) => ({ ...f, methods: ['ffill' as const] })) },
};

const rows = loadTushareDaily(REAL_DATA_DIR, { lastDays: 100 });
const dates = [...new Set(rows.map((r) => r.trade_date as string))].sort();
// 70 warm-up days (the history Prophet needs), gaps of 1–2 days over the last 30 days.
const { rows: gappy, truth } = injectGaps(rows, {
  fields: KEY,
  rate: 0.02,
  seed: 20241231,
  after: dates[70],
  maxRun: 2,
});
const batches = dates.map((d) => gappy.filter((r) => r.trade_date === d));

async function run(config: Record<string, unknown>) {
  const t0 = performance.now();
  const out = await runTransform(impute, config, batches, testContext({ specs: [keyOnly, ffillOnly] }));
  const seconds = (performance.now() - t0) / 1000;
  const s = scoreRows(out.out, truth);
  return { out, seconds, ...s, prices: pooled(s.byField, PRICES), sizes: pooled(s.byField, SIZES) };
}
const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
const models = (byField: Record<string, FieldScore>) =>
  Object.values(byField).reduce<Record<string, number>>((a, s) => {
    for (const [k, v] of Object.entries(s.models)) a[k] = (a[k] ?? 0) + v;
    return a;
  }, {});

describe('imputation on real data against held-out truth', () => {
  it('Prophet, the native fallback and forward fill: missing rate before/after and MAPE', async () => {
    const prophet = await run({ policy: 'default', python: services().python });
    const native = await run({ policy: 'default', forecaster: 'native' });
    const ffill = await run({ policy: 'ffill-only', forecaster: 'native' });

    const stats = prophet.out.stats;
    const cells = stats.reduce((a, s) => a + (s.rows as number) * KEY.length, 0);
    const before =
      stats.reduce((a, s) => a + (s.key_missing_rate_before as number) * (s.rows as number) * KEY.length, 0) /
      cells;
    const after =
      stats.reduce((a, s) => a + (s.key_missing_rate as number) * (s.rows as number) * KEY.length, 0) / cells;
    const gapDays = stats.filter((s) => (s.trade_date as string) >= dates[70]);
    console.log(
      [
        `injected ${truth.size} gaps into ${rows.length} real bars (${batches.length} days × 10 symbols)`,
        `key missing rate before ${pct(before)} (worst day ${pct(Math.max(...stats.map((s) => s.key_missing_max_before as number)))}), after ${pct(after)}`,
        `MAPE prices / volume+turnover (n): prophet ${pct(prophet.prices.mape)} / ${pct(prophet.sizes.mape)} (${prophet.all.n}, ${prophet.seconds.toFixed(1)} s)`,
        `                                   native  ${pct(native.prices.mape)} / ${pct(native.sizes.mape)} (${native.all.n}, ${native.seconds.toFixed(1)} s)`,
        `                                   ffill   ${pct(ffill.prices.mape)} / ${pct(ffill.sizes.mape)} (${ffill.all.n}, ${ffill.seconds.toFixed(1)} s)`,
        `interval coverage (${keyOnly.spec.interval_width}): prophet ${prophet.all.coverage?.toFixed(2)}, native ${native.all.coverage?.toFixed(2)}`,
        `models: prophet run ${JSON.stringify(models(prophet.byField))}`,
      ].join('\n'),
    );

    // Missing rate: > 1 % of key cells on the gap days before, < 0.1 % after, every gap filled.
    expect(
      gapDays.reduce((a, s) => a + (s.key_missing_rate_before as number), 0) / gapDays.length,
    ).toBeGreaterThan(0.01);
    expect(after).toBeLessThan(0.001);
    expect(prophet.all.n).toBe(truth.size);
    expect(native.all.n).toBe(truth.size);
    expect(ffill.all.n).toBe(truth.size);
    // Every gap of the Prophet run was forecast by Prophet itself (no silent fallback).
    expect(models(prophet.byField)).toEqual({ prophet: truth.size });
    expect(
      prophet.out.out.every((r) =>
        (r.imputed_fields as string[]).every((f) => r[`${f}_source`] === 'Imputed_ML'),
      ),
    ).toBe(true);
    expect(
      ffill.out.out.every((r) =>
        (r.imputed_fields as string[]).every((f) => r[`${f}_source`] === 'Imputed_Static'),
      ),
    ).toBe(true);

    // Accuracy against the truth. Daily prices are close to a random walk, so carrying the last
    // value forward is hard to beat; the models must stay within reach of it, and be usable.
    expect(prophet.prices.mape).toBeLessThan(0.02);
    expect(native.prices.mape).toBeLessThan(0.02);
    expect(ffill.prices.mape).toBeLessThan(0.02);
    expect(prophet.prices.mape).toBeLessThan(2.5 * ffill.prices.mape);
    expect(native.prices.mape).toBeLessThan(1.5 * ffill.prices.mape);
    // Volumes swing ±30 % day to day: any estimate errs by about that much.
    for (const r of [prophet, native, ffill]) expect(r.sizes.mape).toBeLessThan(0.5);
    // The recorded intervals mean something: most of the truths fall inside.
    expect(prophet.all.coverage!).toBeGreaterThan(0.5);
    expect(native.all.coverage!).toBeGreaterThan(0.5);
  });

  it('a P1 alert fires when key fields cannot be filled (no history), and the rows say why', async () => {
    // The first days of the data with 3 % of the closes missing: nothing earlier to learn from.
    const early = loadTushareDaily(REAL_DATA_DIR, { lastDays: 1212 }).filter(
      (r) => (r.trade_date as string) < '2020-01-10',
    );
    const { rows: cold } = injectGaps(early, { fields: ['close'], rate: 0.5, seed: 1, maxRun: 1 });
    const days = [...new Set(cold.map((r) => r.trade_date as string))].sort();
    const out = await runTransform(
      impute,
      { policy: 'default', forecaster: 'native' },
      days.map((d) => cold.filter((r) => r.trade_date === d)),
      testContext({ specs: [keyOnly] }),
    );
    const firing = out.alerts.filter((a) => a.active && a.severity === 'P1');
    expect(firing.length).toBeGreaterThan(0);
    expect(firing[0]).toMatchObject({
      name: 'ImputeKeyFieldMissing',
      trade_date: days[0],
      key_missing_field: 'close',
    });
    expect(firing[0].key_missing_max as number).toBeGreaterThan(0.01);
    const unfilled = out.out.filter((r: Rec) => r.impute_unfilled);
    expect(unfilled.length).toBeGreaterThan(0);
    expect((unfilled[0].impute_unfilled as { reason: string }[])[0].reason).toMatch(/no earlier observation/);
  });
});
