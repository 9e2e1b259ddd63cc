/**
 * Native TypeScript forecasters: the stand-in for Prophet when its worker is unavailable (and the
 * `native` method). Each model takes observed points (value and position in the symbol's day
 * sequence) and forecasts the value at later positions, with a normal-approximation interval.
 *
 * - `drift`: last value + average step over the window × horizon (a random walk with drift; right
 *   for prices, whose best forecast is about the last close).
 * - `linear`: least-squares line over the window, extrapolated.
 * - `seasonal_naive`: the value one season (e.g. 5 trading days) before the target.
 * - `mean`: the window's mean (for mean-reverting series such as volumes).
 *
 * @example
 * nativeForecast({ values: [10, 10.2, 10.1], positions: [0, 1, 2] }, [3], { model: 'drift', window: 20, season: 5 }, 0.8);
 * // → { yhat: [10.15], lower: [...], upper: [...] }
 */
import type { NativeParams } from './policy.ts';

export interface Forecast {
  yhat: number[];
  lower: number[];
  upper: number[];
}

export interface Points {
  values: readonly number[];
  positions: readonly number[];
}

export function nativeForecast(
  points: Points,
  targets: readonly number[],
  params: Required<NativeParams>,
  intervalWidth: number,
): Forecast {
  const n = points.values.length;
  if (n === 0) throw new Error('native forecast needs at least one observed point');
  const start = Math.max(0, n - params.window);
  const y = points.values.slice(start);
  const x = points.positions.slice(start);
  const z = normalQuantile((1 + intervalWidth) / 2);
  const out: Forecast = { yhat: [], lower: [], upper: [] };
  const push = (yhat: number, sd: number) => {
    out.yhat.push(yhat);
    out.lower.push(yhat - z * sd);
    out.upper.push(yhat + z * sd);
  };
  const last = y[y.length - 1];
  const lastX = x[x.length - 1];
  switch (params.model) {
    case 'drift': {
      const span = x[x.length - 1] - x[0];
      const slope = span > 0 ? (last - y[0]) / span : 0;
      const sd = stepSd(y, x, slope);
      for (const t of targets) {
        const h = t - lastX;
        push(last + slope * h, sd * Math.sqrt(h));
      }
      break;
    }
    case 'linear': {
      const { a, b, s, xbar, sxx } = ols(x, y);
      for (const t of targets)
        push(a + b * t, s * Math.sqrt(1 + 1 / y.length + (sxx > 0 ? (t - xbar) ** 2 / sxx : 0)));
      break;
    }
    case 'seasonal_naive': {
      const all = points.values;
      const pos = points.positions;
      const seasonal: number[] = [];
      for (let i = 0; i < all.length; i++) {
        const j = pos.indexOf(pos[i] - params.season);
        if (j >= 0) seasonal.push(all[i] - all[j]);
      }
      const sd =
        seasonal.length > 1 ? Math.sqrt(seasonal.reduce((acc, d) => acc + d * d, 0) / seasonal.length) : 0;
      for (const t of targets) {
        // The latest observation in the same phase of the season, at or before the last point.
        let k = 1;
        let j = -1;
        while (t - k * params.season >= pos[0] && (j = pos.indexOf(t - k * params.season)) < 0) k++;
        push(j >= 0 ? all[j] : last, sd * Math.sqrt(k));
      }
      break;
    }
    case 'mean': {
      const mean = y.reduce((acc, v) => acc + v, 0) / y.length;
      const sd =
        y.length > 1 ? Math.sqrt(y.reduce((acc, v) => acc + (v - mean) ** 2, 0) / (y.length - 1)) : 0;
      targets.forEach(() => push(mean, sd * Math.sqrt(1 + 1 / y.length)));
      break;
    }
  }
  return out;
}

/** Standard deviation of one-day steps around the drift (steps over gaps are scaled to one day). */
function stepSd(y: readonly number[], x: readonly number[], slope: number): number {
  let ss = 0;
  let m = 0;
  for (let i = 1; i < y.length; i++) {
    const dx = x[i] - x[i - 1];
    if (dx <= 0) continue;
    ss += (y[i] - y[i - 1] - slope * dx) ** 2 / dx;
    m++;
  }
  return m > 1 ? Math.sqrt(ss / (m - 1)) : 0;
}

function ols(
  x: readonly number[],
  y: readonly number[],
): { a: number; b: number; s: number; xbar: number; sxx: number } {
  const n = y.length;
  const xbar = x.reduce((acc, v) => acc + v, 0) / n;
  const ybar = y.reduce((acc, v) => acc + v, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i] - xbar) ** 2;
    sxy += (x[i] - xbar) * (y[i] - ybar);
  }
  const b = sxx > 0 ? sxy / sxx : 0;
  const a = ybar - b * xbar;
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (y[i] - a - b * x[i]) ** 2;
  return { a, b, s: n > 2 ? Math.sqrt(sse / (n - 2)) : 0, xbar, sxx };
}

/**
 * Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9).
 * @example normalQuantile(0.975) // ≈ 1.959964
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`normalQuantile: p must be in (0, 1), got ${p}`);
  const a = [
    -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
    2.506628277459239,
  ];
  const b = [
    -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1,
    -1.328068155288572e1,
  ];
  const c = [
    -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lowP = 0.02425;
  if (p < lowP) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    );
  }
  if (p > 1 - lowP) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}
