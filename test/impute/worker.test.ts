/**
 * The real Prophet worker (project venv): protocol, process reuse, and crash recovery — a worker
 * killed (SIGKILL) in the middle of a batch is restarted and the batch is retried, so no series is
 * lost and the answers are the ones an uninterrupted run gives.
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ProphetForecaster } from '../../operators/transforms/impute/forecaster.ts';
import { ProphetWorker, type WireSeries } from '../../operators/transforms/impute/worker-client.ts';
import { loadTushareDaily } from '../../operators/lib/impute/evaluate.ts';
import type { SeriesRequest } from '../../operators/lib/impute/forecast.ts';
import { Imputer } from '../../operators/lib/impute/imputer.ts';
import { resolvePolicy, type ImputePolicySpec } from '../../operators/lib/impute/policy.ts';
import type { Rec } from '../../engine/api/index.ts';
import { services } from '../helpers/services.ts';
import { REAL_DATA_DIR } from '../../operators/lib/hfq/real-data.ts';

const logger = pino({ level: process.env.ARGUS_LOG_LEVEL ?? 'silent' });
const workers: ProphetWorker[] = [];
const newWorker = (o: Partial<ConstructorParameters<typeof ProphetWorker>[0]> = {}) => {
  const w = new ProphetWorker({ python: services().python, logger, restartDelayMs: 50, ...o });
  workers.push(w);
  return w;
};
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.close()));
});

/** Real log closes of a few symbols: 60 observed days each, forecasting the next two. */
function series(n: number): WireSeries[] {
  const symbols = ['000001.SZ', '600519.SH', '000858.SZ', '601318.SH', '600036.SH', '000333.SZ'].slice(0, n);
  return symbols.map((s) => {
    const rows = loadTushareDaily(REAL_DATA_DIR, { symbols: [s], lastDays: 62 });
    const obs = rows.slice(0, 60);
    return {
      id: s,
      ds: obs.map((r) => r.trade_date as string),
      y: obs.map((r) => Math.log(r.close as number)),
      future: rows.slice(60).map((r) => r.trade_date as string),
      params: { changepoint_prior_scale: 0.05, changepoint_range: 1 },
    };
  });
}

describe('Prophet worker', () => {
  it('forecasts many series per request, reports per-series errors, and reuses one process', async () => {
    const w = newWorker();
    const input = [
      ...series(2),
      { id: 'short', ds: ['2024-01-02'], y: [1], future: ['2024-01-03'], params: {} },
    ];
    const first = await w.forecast(input, 0.8);
    const pid = w.pid;
    expect(first.map((r) => r.id)).toEqual(['000001.SZ', '600519.SH', 'short']);
    for (const r of first.slice(0, 2)) {
      if ('error' in r) throw new Error(r.error);
      expect(r.yhat).toHaveLength(2);
      for (let i = 0; i < 2; i++) {
        expect(Number.isFinite(r.yhat[i])).toBe(true);
        expect(r.lower[i]).toBeLessThan(r.yhat[i]);
        expect(r.upper[i]).toBeGreaterThan(r.yhat[i]);
      }
    }
    expect(first[2]).toEqual({ id: 'short', error: expect.stringMatching(/at least 2 observed points/) });
    const again = await w.forecast(series(1), 0.8);
    expect(w.pid).toBe(pid);
    expect(w.restarts).toBe(0);
    // Deterministic: the same series gives the same forecast and interval.
    expect(again[0]).toEqual(first[0]);
    expect(w.versions.prophet).toMatch(/^\d+\.\d+/);
  });

  it('restarts a worker killed mid-batch and retries the batch: nothing lost, same answers', async () => {
    const input = series(4);
    const calm = await newWorker().forecast(input, 0.8);

    const w = newWorker();
    const killed: number[] = [];
    w.on('progress', (p: { pid: number; done: number; total: number }) => {
      // Kill the first process after it answered half the batch (its partial work is discarded).
      if (killed.length === 0 && p.done === 2) {
        killed.push(p.pid);
        process.kill(p.pid, 'SIGKILL');
      }
    });
    const restarts: unknown[] = [];
    w.on('restart', (e) => restarts.push(e));
    const got = await w.forecast(input, 0.8);
    expect(killed).toHaveLength(1);
    expect(w.restarts).toBe(1);
    expect(restarts).toEqual([{ attempt: 1, reason: expect.stringMatching(/signal SIGKILL\) mid-request/) }]);
    expect(w.pid).not.toBe(killed[0]);
    expect(got).toEqual(calm);
  });

  it('gives up after max_attempts crashes and the forecaster answers with the native models instead', async () => {
    const w = newWorker({ maxAttempts: 2 });
    w.on('progress', (p: { pid: number }) => process.kill(p.pid, 'SIGKILL')); // every attempt dies
    const f = new ProphetForecaster(w, { logger });
    const reqs: SeriesRequest[] = series(2).map((s) => ({
      id: s.id,
      dates: s.ds,
      values: s.y,
      positions: s.ds.map((_, i) => i),
      targets: s.future,
      targetPositions: s.future.map((_, i) => 60 + i),
      prophet: {},
      native: { model: 'drift', window: 20, season: 5 },
    }));
    const out = await f.forecast(reqs, 0.8);
    expect(w.restarts).toBe(2);
    expect([...out.keys()]).toEqual(['000001.SZ', '600519.SH']);
    for (const r of out.values())
      expect(r).toMatchObject({
        model: 'native_drift',
        fallback: expect.stringMatching(/failed 2 attempts/),
      });
  });

  it('kills and retries a hung request after its timeout', async () => {
    const w = newWorker({ timeout: { baseMs: 2_000, perSeriesMs: 0 }, maxAttempts: 2 });
    // The first process hangs (SIGSTOP: alive but silent) as soon as it is ready; the request's
    // timeout kills it and the retry gets a fresh process, given time enough to finish.
    let starts = 0;
    w.on('start', (p: { pid: number }) => {
      if (starts++ === 0) process.kill(p.pid, 'SIGSTOP');
    });
    w.on('restart', () => {
      (w as unknown as { opts: { timeout: { baseMs: number } } }).opts.timeout.baseMs = 120_000;
    });
    const got = await w.forecast(series(2), 0.8);
    expect(starts).toBe(2);
    expect(w.restarts).toBe(1);
    expect(got.every((r) => 'yhat' in r)).toBe(true);
  });

  it('a batch of rows whose worker dies mid-request comes out complete, every value from Prophet', async () => {
    const spec: ImputePolicySpec = {
      min_history: 30,
      max_gap: 5,
      interval_width: 0.8,
      fit_window: 60,
      prophet: { changepoint_prior_scale: 0.05, changepoint_range: 1, weekly_seasonality: false },
      fields: [
        { name: 'close', key: true, methods: ['prophet', 'ffill'], transform: 'log', round: 2 },
        { name: 'volume', key: true, methods: ['prophet', 'ffill'], transform: 'log', round: 0 },
      ],
      penalties: {},
    };
    const w = newWorker();
    let killed = 0;
    w.on('progress', (p: { pid: number; done: number }) => {
      if (killed === 0 && p.done === 1) killed = p.pid;
      if (killed === p.pid) process.kill(p.pid, 'SIGKILL');
    });
    const imputer = new Imputer(resolvePolicy(spec), new ProphetForecaster(w, { logger, batchSize: 8 }));
    const bars = loadTushareDaily(REAL_DATA_DIR, {
      symbols: ['000001.SZ', '600519.SH', '000858.SZ'],
      lastDays: 61,
    });
    imputer.remember(bars.filter((r) => r.trade_date !== '2024-12-31'));
    const batch: Rec[] = bars
      .filter((r) => r.trade_date === '2024-12-31')
      .map((r) => ({ ...r, close: null, close_source: null, volume: null, volume_source: null }));
    const { rows, days } = await imputer.process(batch);
    expect(killed).toBeGreaterThan(0);
    expect(w.restarts).toBe(1);
    expect(days[0].after.key_missing_max).toBe(0);
    for (const r of rows) {
      expect(r.imputed_fields).toEqual(['close', 'volume']);
      for (const f of ['close', 'volume'])
        expect((r.imputation as Record<string, Rec>)[f]).toMatchObject({
          method: 'prophet',
          model: 'prophet',
          source: 'Imputed_ML',
        });
    }
  });
});
