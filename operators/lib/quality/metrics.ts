/**
 * The quality metrics, created through `ctx.metrics` (get-or-create, so several nodes share them)
 * from the definitions in {@link METRICS}.
 */
import type { Metrics } from '../../../engine/api/index.ts';
import { METRICS, type MetricDef } from './metric-names.ts';

const gauge = (m: Metrics, d: MetricDef) => m.gauge(d.name, d.help, d.labels as string[]);
const counter = (m: Metrics, d: MetricDef) => m.counter(d.name, d.help, d.labels as string[]);

/** Minutes-scale buckets for close → Gold latency (the target is 60 min). */
const LATENCY_BUCKETS = [300, 900, 1800, 2700, 3600, 5400, 7200, 14400, 86400];

export function gateMetrics(m: Metrics) {
  return {
    ratio: gauge(m, METRICS.consistencyRatio),
    ratioByBoard: gauge(m, METRICS.consistencyRatioByBoard),
    volatility: gauge(m, METRICS.volatilityIndex),
    tolerance: gauge(m, METRICS.effectiveTolerance),
    quarantinedBatches: counter(m, METRICS.quarantinedBatches),
    quarantinedRecords: counter(m, METRICS.quarantinedRecords),
    reviewDiffs: counter(m, METRICS.reviewDiffs),
  };
}

export function scoreMetrics(m: Metrics) {
  return {
    score: gauge(m, METRICS.score),
    dimension: gauge(m, METRICS.dimensionScore),
    kpi: gauge(m, METRICS.kpiRatio),
    missing: gauge(m, METRICS.fieldMissing),
    ruleFailures: counter(m, METRICS.ruleFailures),
    timeliness: gauge(m, METRICS.timelinessMinutes),
    latency: m.histogram(
      METRICS.e2eLatency.name,
      METRICS.e2eLatency.help,
      METRICS.e2eLatency.labels as string[],
      LATENCY_BUCKETS,
    ),
  };
}

export function alertMetrics(m: Metrics) {
  return { total: counter(m, METRICS.alertsTotal), firing: gauge(m, METRICS.alertsFiring) };
}
