/**
 * The engine's `health` backend factory: one shared {@link HealthRegistry}; every transition is
 * logged with its timings and published as `argus_source_health_state{source}`.
 *
 * @example
 * // engine wiring (argus.ts):
 * backends: { health: healthBackendFactory() }
 */
import type { Logger } from 'pino';
import type { Metrics } from '../../api/index.ts';
import { HealthRegistry } from './registry.ts';

/** The `health` backend: one shared registry; every transition is logged with its timings. */
export function healthBackendFactory() {
  return (env: { metrics: Metrics; logger: Logger }): HealthRegistry => {
    const registry = new HealthRegistry();
    const logger = env.logger.child({ backend: 'health' });
    const states = ['healthy', 'degraded', 'probing', 'unavailable'];
    registry.onTransition((t) => {
      logger[t.to === 'healthy' ? 'info' : 'warn'](
        { transition: t },
        `source ${t.source}: ${t.from} → ${t.to} (${t.reason})`,
      );
      env.metrics
        .gauge(
          'argus_source_health_state',
          'Source health: 0 healthy, 1 degraded, 2 probing, 3 unavailable',
          ['source'],
        )
        .set({ source: t.source }, states.indexOf(t.to));
    });
    return registry;
  };
}
