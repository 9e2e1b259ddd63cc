/**
 * Start-up step: create the declared topics that are missing and verify the others. Drift (the
 * broker's topic differs from its YAML) is logged as a warning and exported as the gauge
 * `argus_bus_topic_drift{topic,field}` = 1; the engine does not alter live topics by itself.
 *
 * @example
 * const reports = await ensureDeclaredTopics(bus, ctx.specs('Topic'), ctx);
 */
import type { Logger } from 'pino';
import type { Metrics, SpecDoc } from '../../api/index.ts';
import type { TopicDocSpec } from './topic-kind.ts';
import type { Bus, TopicReport } from './types.ts';

export async function ensureDeclaredTopics(
  bus: Bus,
  docs: SpecDoc<TopicDocSpec>[],
  obs: { logger: Logger; metrics: Metrics },
  only?: readonly string[],
): Promise<TopicReport[]> {
  const wanted = docs.filter((d) => !only || only.includes(d.metadata.name));
  if (!wanted.length) return [];
  const reports = await bus.declare(wanted);
  const gauge = obs.metrics.gauge(
    'argus_bus_topic_drift',
    'Declared topic settings that differ on the bus (1 = drift).',
    ['topic', 'field'],
  );
  for (const r of reports) {
    if (r.action === 'created') obs.logger.info({ topic: r.topic }, `bus: created topic ${r.topic}`);
    for (const d of r.drift) {
      gauge.set({ topic: r.topic, field: d.field }, 1);
      obs.logger.warn(
        { topic: r.topic, ...d },
        `bus: topic ${r.topic} drifted: ${d.field} is ${d.actual}, YAML says ${d.expected}`,
      );
    }
  }
  return reports;
}
