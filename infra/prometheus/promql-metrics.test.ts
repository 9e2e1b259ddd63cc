import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isExportedSeries } from '../../operators/lib/quality/metric-names.ts';
import { promqlMetricNames } from './promql-metrics.ts';

describe('promqlMetricNames', () => {
  it('finds series names and ignores functions, labels, grouping, durations and numbers', () => {
    expect(promqlMetricNames('avg_over_time(dq_multisource_consistency_ratio[15m]) < 0.99')).toEqual([
      'dq_multisource_consistency_ratio',
    ]);
    expect(
      promqlMetricNames(
        'sum by (source, endpoint) (rate(argus_source_calls_total{outcome="failure",x=~"a|b"}[5m])) / sum without (le) (rate(argus_source_calls_total[5m])) > 1e-3',
      ),
    ).toEqual(['argus_source_calls_total']);
    expect(
      promqlMetricNames(
        'histogram_quantile(0.9, sum by (le) (rate(argus_e2e_latency_seconds_bucket[$__rate_interval])))',
      ),
    ).toEqual(['argus_e2e_latency_seconds_bucket']);
    expect(promqlMetricNames('1 - dq_kpi_ratio{kpi="DQ-COM-01"} > 0.05 and on (pipeline) up == 1')).toEqual([
      'dq_kpi_ratio',
      'up',
    ]);
  });
});

describe('infra/prometheus/alerts.yml', () => {
  const doc = parse(readFileSync(join(import.meta.dirname, 'alerts.yml'), 'utf8')) as {
    groups: { rules: { alert: string; expr: string; labels: { severity: string } }[] }[];
  };
  const rules = doc.groups.flatMap((g) => g.rules);

  it('reads only metrics the engine exports', () => {
    const unknown = rules.flatMap((r) =>
      promqlMetricNames(r.expr)
        .filter((n) => !isExportedSeries(n))
        .map((n) => `${r.alert}: ${n}`),
    );
    expect(unknown).toEqual([]);
    expect(rules.length).toBeGreaterThanOrEqual(10);
  });

  it('labels every rule with a P0–P3 severity', () => {
    expect(rules.filter((r) => !/^P[0-3]$/.test(r.labels?.severity ?? ''))).toEqual([]);
  });
});
