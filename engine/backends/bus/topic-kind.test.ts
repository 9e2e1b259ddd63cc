import { describe, expect, it } from 'vitest';
import { Registry } from '../../registry/registry.ts';
import { loadText } from '../../spec/load.ts';
import { pipelineKind } from '../../spec/pipeline-kind.ts';
import { createMetrics } from '../../observability/metrics.ts';
import pino from 'pino';
import topicKind, { topicSpecOf } from './topic-kind.ts';
import { ensureDeclaredTopics } from './ensure.ts';
import { createBus } from './index.ts';

const yaml = (over = '') => `apiVersion: argus/v1
kind: Topic
metadata: {name: raw_data_topic, version: 1}
spec:
  partitions: 6
  replication_factor: 1
  retention_ms: 604800000
  cleanup_policy: delete
  min_insync_replicas: 1
  compression: gzip
${over}`;

describe('kind: Topic', () => {
  const registry = new Registry([pipelineKind, topicKind]);

  it('maps to Kafka topic configs', () => {
    const { docs, errors } = loadText('topics.yaml', yaml(), registry);
    expect(errors).toEqual([]);
    expect(topicSpecOf(docs[0] as never)).toEqual({
      name: 'raw_data_topic',
      partitions: 6,
      replicationFactor: 1,
      config: {
        'retention.ms': '604800000',
        'cleanup.policy': 'delete',
        'min.insync.replicas': '1',
        'compression.type': 'gzip',
      },
    });
  });

  it('rejects unknown keys and min.insync.replicas above the replication factor', () => {
    expect(
      loadText('t.yaml', yaml('  retention: 5'), registry)
        .errors.map((e) => e.message)
        .join(),
    ).toMatch(/unknown key "retention"/);
    expect(
      loadText('t.yaml', yaml().replace('min_insync_replicas: 1', 'min_insync_replicas: 2'), registry)
        .errors.map((e) => e.message)
        .join(),
    ).toMatch(/exceeds replication_factor/);
  });

  it('ensureDeclaredTopics creates, then reports drift as a metric', async () => {
    const bus = createBus({ type: 'memory' });
    const metrics = createMetrics();
    const obs = { logger: pino({ level: 'silent' }), metrics };
    const doc = loadText('t.yaml', yaml(), registry).docs[0] as never;
    expect((await ensureDeclaredTopics(bus, [doc], obs))[0].action).toBe('created');
    const changed = loadText('t.yaml', yaml().replace('partitions: 6', 'partitions: 8'), registry)
      .docs[0] as never;
    expect((await ensureDeclaredTopics(bus, [changed], obs))[0].drift).toEqual([
      { field: 'partitions', expected: '8', actual: '6' },
    ]);
    expect(await metrics.registry.getSingleMetricAsString('argus_bus_topic_drift')).toMatch(
      /argus_bus_topic_drift\{topic="raw_data_topic",field="partitions"\} 1/,
    );
  });
});
