/**
 * Get-or-create wrappers over a prom-client registry, so that every node of every pipeline can
 * ask for the same metric family without tripping prom-client's duplicate-name check.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Metrics } from '../api/index.ts';

export function createMetrics(registry = new Registry()): Metrics {
  const get = <T>(name: string, make: () => T): T =>
    (registry.getSingleMetric(name) as T | undefined) ?? make();
  return {
    registry,
    counter: (name, help, labelNames = []) =>
      get(name, () => new Counter({ name, help, labelNames, registers: [registry] })),
    gauge: (name, help, labelNames = []) =>
      get(name, () => new Gauge({ name, help, labelNames, registers: [registry] })),
    histogram: (name, help, labelNames = [], buckets) =>
      get(
        name,
        () =>
          new Histogram({ name, help, labelNames, registers: [registry], ...(buckets ? { buckets } : {}) }),
      ),
  };
}
