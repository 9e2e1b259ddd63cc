/**
 * The `impute` operator's forecaster: Prophet through the supervised Python worker, in chunks of
 * `batchSize` series per request, with the native TypeScript models standing in (and saying so in
 * the log, the metrics and each imputed value's `fallback`) whenever the worker is unavailable or
 * Prophet fails on a series.
 *
 * @example
 * const f = new ProphetForecaster(new ProphetWorker({ python, logger }), { logger, batchSize: 32 });
 * const results = await f.forecast(requests, 0.8);
 */
import type { Logger } from 'pino';
import type { Counter } from 'prom-client';
import {
  nativeForecasts,
  type Forecaster,
  type SeriesForecast,
  type SeriesRequest,
} from '../../lib/impute/forecast.ts';
import type { ProphetWorker, WireSeries } from './worker-client.ts';

export interface ProphetForecasterOptions {
  logger: Logger;
  /** Series per worker request (a crash retries one request, so this bounds the work redone). */
  batchSize?: number;
  /** Counts forecasts by model (`prophet`, `native_drift`, ...) and fallback reason. */
  counter?: Counter<'model' | 'reason'>;
}

export class ProphetForecaster implements Forecaster {
  private degraded = false;

  constructor(
    readonly worker: ProphetWorker,
    private readonly opts: ProphetForecasterOptions,
  ) {}

  async forecast(
    requests: readonly SeriesRequest[],
    intervalWidth: number,
  ): Promise<Map<string, SeriesForecast | { error: string }>> {
    const out = new Map<string, SeriesForecast | { error: string }>();
    const size = this.opts.batchSize ?? 32;
    for (let i = 0; i < requests.length; i += size) {
      const chunk = requests.slice(i, i + size);
      let results: Map<string, SeriesForecast | { error: string }>;
      try {
        const wire = await this.worker.forecast(chunk.map(toWire), intervalWidth);
        results = this.fromWire(chunk, wire, intervalWidth);
        if (this.degraded) {
          this.degraded = false;
          this.opts.logger.info('Prophet worker available again; imputing with Prophet');
        }
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        // Logged once per outage, not per batch: the metric counts every fallback.
        if (!this.degraded)
          this.opts.logger.warn(
            { reason },
            'Prophet worker unavailable; imputing with the native fallback models',
          );
        this.degraded = true;
        results = nativeForecasts(chunk, intervalWidth, `worker unavailable: ${reason}`);
      }
      for (const [id, r] of results) {
        out.set(id, r);
        if (!('error' in r))
          this.opts.counter?.inc({ model: r.model, reason: r.fallback ? 'fallback' : 'none' });
      }
    }
    return out;
  }

  private fromWire(
    chunk: readonly SeriesRequest[],
    wire: readonly unknown[],
    intervalWidth: number,
  ): Map<string, SeriesForecast | { error: string }> {
    const out = new Map<string, SeriesForecast | { error: string }>();
    const byId = new Map((wire as { id: string }[]).map((r) => [r.id, r as Record<string, unknown>]));
    for (const req of chunk) {
      const r = byId.get(req.id);
      const ok = r && Array.isArray(r.yhat) && r.yhat.length === req.targets.length;
      if (ok) {
        out.set(req.id, {
          yhat: r.yhat as number[],
          lower: r.lower as number[],
          upper: r.upper as number[],
          model: 'prophet',
        });
        continue;
      }
      // Prophet could not fit this series: the native model answers for it.
      const why = r && typeof r.error === 'string' ? r.error : 'no result for the series';
      const native = nativeForecasts([req], intervalWidth, `prophet failed: ${why}`);
      out.set(req.id, native.get(req.id)!);
    }
    return out;
  }
}

function toWire(r: SeriesRequest): WireSeries {
  return { id: r.id, ds: r.dates, y: r.values, future: r.targets, params: { ...r.prophet } };
}
