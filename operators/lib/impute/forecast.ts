/**
 * What the imputer asks a forecaster: many series at once (one per symbol, field and gap), each
 * with its observed points (already transformed, e.g. log prices) and the days to forecast.
 * {@link NativeForecaster} answers in-process; the `impute` operator's Prophet forecaster answers
 * through the Python worker and falls back to the native models when the worker is unavailable.
 *
 * @example
 * const out = await new NativeForecaster().forecast([req], 0.8);
 * out.get(req.id); // {yhat: [...], lower: [...], upper: [...], model: 'native_drift'}
 */
import { nativeForecast, type Forecast } from './native.ts';
import type { NativeParams, ProphetParams } from './policy.ts';

export interface SeriesRequest {
  /** Unique within one call. */
  id: string;
  /** ISO dates, values and day positions of the observed points, oldest first. */
  dates: string[];
  values: number[];
  positions: number[];
  /** Days to forecast and their positions. */
  targets: string[];
  targetPositions: number[];
  prophet: ProphetParams;
  native: Required<NativeParams>;
}

export interface SeriesForecast extends Forecast {
  /** `prophet` or `native_<model>`. */
  model: string;
  /** Why a native model stood in for Prophet, when it did. */
  fallback?: string;
}

export interface Forecaster {
  /** Forecasts every series it can; a series it cannot forecast is absent from the map (or has an error). */
  forecast(
    requests: readonly SeriesRequest[],
    intervalWidth: number,
  ): Promise<Map<string, SeriesForecast | { error: string }>>;
  close?(): Promise<void>;
}

/** Forecasts with the native TypeScript models (see `native.ts`). */
export class NativeForecaster implements Forecaster {
  constructor(private readonly fallback?: string) {}

  async forecast(
    requests: readonly SeriesRequest[],
    intervalWidth: number,
  ): Promise<Map<string, SeriesForecast | { error: string }>> {
    return nativeForecasts(requests, intervalWidth, this.fallback);
  }
}

export function nativeForecasts(
  requests: readonly SeriesRequest[],
  intervalWidth: number,
  fallback?: string,
): Map<string, SeriesForecast | { error: string }> {
  const out = new Map<string, SeriesForecast | { error: string }>();
  for (const r of requests) {
    try {
      const f = nativeForecast(r, r.targetPositions, r.native, intervalWidth);
      out.set(r.id, { ...f, model: `native_${r.native.model}`, ...(fallback ? { fallback } : {}) });
    } catch (err) {
      out.set(r.id, { error: err instanceof Error ? err.message : String(err) });
    }
  }
  return out;
}
