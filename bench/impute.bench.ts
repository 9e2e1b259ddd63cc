/**
 * `npm run bench -- impute [--runs 3] [--scale 1]`: imputation accuracy and cost on real data.
 * Gaps of 1–3 days are injected (seeded) into the key fields of the recorded Tushare bars of ten
 * A-shares (sim/data/tushare-daily); the same gappy days are replayed through the imputer
 * with Prophet (the real Python worker), with the native fallback models, and with forward fill
 * alone, and each is scored against the held-out truth. Reported: missing rate before/after, MAPE
 * per field group with ratios against forward fill (the peer), interval coverage, time per series.
 *
 * Scale 1 = the last 160 trading days of 2024 (70 warm-up days, gaps over the last 90) at a 2 %
 * gap rate: about 200 gaps, i.e. ~1–2 minutes of Prophet fits per run on two busy cores.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { parse } from 'yaml';
import { NativeForecaster, type Forecaster } from '../operators/lib/impute/forecast.ts';
import {
  injectGaps,
  loadTushareDaily,
  pooled,
  replay,
  type ReplayResult,
} from '../operators/lib/impute/evaluate.ts';
import { Imputer } from '../operators/lib/impute/imputer.ts';
import { resolvePolicy, type ImputePolicySpec } from '../operators/lib/impute/policy.ts';
import { ProphetForecaster } from '../operators/transforms/impute/forecaster.ts';
import { ProphetWorker } from '../operators/transforms/impute/worker-client.ts';
import { defineBench, type BenchRow } from './types.ts';
import { REAL_DATA_DIR } from '../operators/lib/hfq/real-data.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = REAL_DATA_DIR;
const PRICES = ['open', 'high', 'low', 'close'];
const SIZES = ['volume', 'turnover'];

export default defineBench({
  name: 'impute',
  description:
    'Prophet vs native fallback vs forward fill on gaps injected into real A-share bars (MAPE vs held-out truth)',
  async run({ scale, log }) {
    const python = process.env.ARGUS_PYTHON ?? join(root, '.argus', 'venv', 'bin', 'python');
    if (!existsSync(python))
      throw new Error(
        `no Python at ${python}: run \`npm run services -- install venv\` (or set ARGUS_PYTHON)`,
      );
    const spec = (
      parse(readFileSync(join(root, 'policies', 'impute.yaml'), 'utf8')) as { spec: ImputePolicySpec }
    ).spec;
    const keyOnly = { ...spec, fields: spec.fields.filter((f) => f.key) };
    const ffillOnly = {
      ...keyOnly,
      fields: keyOnly.fields.map((f) => ({ ...f, methods: ['ffill' as const] })),
    };

    const gapDays = Math.max(10, Math.round(90 * scale));
    const rows = loadTushareDaily(DATA, { lastDays: 70 + gapDays });
    const dates = [...new Set(rows.map((r) => r.trade_date as string))].sort();
    const { rows: gappy, truth } = injectGaps(rows, {
      fields: [...PRICES, ...SIZES],
      rate: 0.02,
      seed: 9,
      after: dates[70],
      maxRun: 3,
    });
    log(
      `${truth.size} gaps injected into ${rows.length} bars (${dates.length} days, gaps from ${dates[70]})`,
    );

    const logger = pino({ level: 'warn' });
    const worker = new ProphetWorker({ python, logger });
    const prophetForecaster = new ProphetForecaster(worker, { logger });
    const go = async (name: string, s: ImputePolicySpec, f: Forecaster) => {
      const r = await replay(new Imputer(resolvePolicy(s), f), gappy, truth);
      log(`${name}: ${r.all.n} values in ${r.seconds.toFixed(1)} s`);
      return r;
    };
    let prophet: ReplayResult;
    try {
      prophet = await go('prophet', keyOnly, prophetForecaster);
    } finally {
      await worker.close();
    }
    const native = await go('native', keyOnly, new NativeForecaster());
    const ffill = await go('ffill', ffillOnly, new NativeForecaster());
    const prophetModels = prophet.all.models;
    if ((prophetModels.prophet ?? 0) !== prophet.all.n)
      log(`warning: not every value came from Prophet: ${JSON.stringify(prophetModels)}`);

    const pct = (x: number) => Math.round(x * 1e5) / 1e3;
    const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 1000) / 1000 : null);
    const mapeRow = (metric: string, fields: string[]): BenchRow => {
      const [p, n, f] = [prophet, native, ffill].map((r) => pooled(r.byField, fields).mape);
      return {
        metric,
        prophet: pct(p),
        native: pct(n),
        ffill: pct(f),
        'prophet/ffill': ratio(p, f),
        'native/ffill': ratio(n, f),
        unit: '%',
      };
    };
    const series = Object.values(prophetModels).reduce((a, v) => a + v, 0);
    return [
      {
        metric: 'gaps injected (key cells)',
        prophet: truth.size,
        native: truth.size,
        ffill: truth.size,
        'prophet/ffill': null,
        'native/ffill': null,
        unit: 'count',
      },
      {
        metric: 'key missing rate before',
        prophet: pct(prophet.keyMissingRateBefore),
        native: pct(native.keyMissingRateBefore),
        ffill: pct(ffill.keyMissingRateBefore),
        'prophet/ffill': null,
        'native/ffill': null,
        unit: '%',
      },
      {
        metric: 'key missing rate after',
        prophet: pct(prophet.keyMissingRateAfter),
        native: pct(native.keyMissingRateAfter),
        ffill: pct(ffill.keyMissingRateAfter),
        'prophet/ffill': null,
        'native/ffill': null,
        unit: '%',
      },
      mapeRow('MAPE prices (open high low close)', PRICES),
      mapeRow('MAPE close', ['close']),
      mapeRow('MAPE volume + turnover', SIZES),
      {
        metric: 'interval coverage (policy width)',
        prophet: prophet.all.coverage,
        native: native.all.coverage,
        ffill: null,
        'prophet/ffill': null,
        'native/ffill': null,
        unit: `share in ${spec.interval_width}`,
      },
      {
        metric: 'time per imputed value',
        prophet: Math.round((prophet.seconds / Math.max(1, series)) * 1e4) / 10,
        native: Math.round((native.seconds / Math.max(1, native.all.n)) * 1e4) / 10,
        ffill: Math.round((ffill.seconds / Math.max(1, ffill.all.n)) * 1e4) / 10,
        'prophet/ffill': ratio(prophet.seconds, ffill.seconds),
        'native/ffill': ratio(native.seconds, ffill.seconds),
        unit: 'ms',
      },
    ];
  },
});
