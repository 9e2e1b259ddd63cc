/**
 * `kind: Topic`: a bus topic and its persistence policy, declared in YAML and created or verified
 * by the engine at start (see {@link ensureDeclaredTopics}).
 *
 * @example
 * apiVersion: argus/v1
 * kind: Topic
 * metadata: {name: raw_data_topic, version: 1}
 * spec:
 *   partitions: 6
 *   replication_factor: 1
 *   retention_ms: 604800000
 *   cleanup_policy: delete
 *   min_insync_replicas: 1
 *   compression: gzip
 */
import { defineKind, type SpecDoc } from '../../api/index.ts';
import type { TopicSpec } from './types.ts';

export interface TopicDocSpec {
  partitions: number;
  replication_factor: number;
  retention_ms: number;
  cleanup_policy: 'delete' | 'compact' | 'compact,delete';
  min_insync_replicas: number;
  /** Broker-side compression; kafkajs decodes gzip natively, so prefer `gzip`, `producer` or `uncompressed`. */
  compression: 'gzip' | 'snappy' | 'lz4' | 'zstd' | 'producer' | 'uncompressed';
  /** Other Kafka topic configs, verbatim (`segment.bytes`, ...). */
  config?: Record<string, string>;
  description?: string;
}

export default defineKind<TopicDocSpec>({
  kind: 'Topic',
  description: 'A bus topic (Kafka or embedded) with its partitions and persistence policy.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: [
      'partitions',
      'replication_factor',
      'retention_ms',
      'cleanup_policy',
      'min_insync_replicas',
      'compression',
    ],
    properties: {
      description: { type: 'string' },
      partitions: {
        type: 'integer',
        minimum: 1,
        maximum: 1000,
        description: 'Partition count (keys hash over them).',
      },
      replication_factor: { type: 'integer', minimum: 1, maximum: 10 },
      retention_ms: { type: 'integer', minimum: -1, description: 'retention.ms; -1 keeps forever.' },
      cleanup_policy: { enum: ['delete', 'compact', 'compact,delete'] },
      min_insync_replicas: { type: 'integer', minimum: 1 },
      compression: { enum: ['gzip', 'snappy', 'lz4', 'zstd', 'producer', 'uncompressed'] },
      config: { type: 'object', additionalProperties: { type: 'string' } },
    },
  },
  check(doc) {
    const s = doc.spec;
    if (s.min_insync_replicas > s.replication_factor)
      return [
        {
          pointer: '/min_insync_replicas',
          message: `min_insync_replicas (${s.min_insync_replicas}) exceeds replication_factor (${s.replication_factor}): every acks=all write would fail`,
        },
      ];
    return [];
  },
});

/** The bus-level declaration of a Topic document (Kafka config names). */
export function topicSpecOf(doc: SpecDoc<TopicDocSpec>): TopicSpec {
  const s = doc.spec;
  return {
    name: doc.metadata.name,
    partitions: s.partitions,
    replicationFactor: s.replication_factor,
    config: {
      'retention.ms': String(s.retention_ms),
      'cleanup.policy': s.cleanup_policy,
      'min.insync.replicas': String(s.min_insync_replicas),
      'compression.type': s.compression,
      ...(s.config ?? {}),
    },
  };
}
