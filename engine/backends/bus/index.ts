/**
 * The `bus` backend: `createBus(config)` builds the embedded bus or a Kafka client.
 *
 * @example
 * const bus = createBus({ type: 'kafka', brokers: ['127.0.0.1:9092'], clientId: 'argus' });
 * const local = createBus({ type: 'memory' });
 */
import { KafkaBus } from './kafka.ts';
import { MemoryBus } from './memory.ts';
import type { Bus } from './types.ts';

export type BusConfig =
  | { type: 'memory'; defaultPartitions?: number }
  | {
      type: 'kafka';
      brokers: string[] | string;
      clientId?: string;
      onError?: (message: string, err: unknown) => void;
      retry?: { retries: number; initialRetryTime?: number; maxRetryTime?: number };
    };

export function createBus(config: BusConfig): Bus {
  switch (config.type) {
    case 'memory':
      return new MemoryBus({ defaultPartitions: config.defaultPartitions });
    case 'kafka': {
      const brokers =
        typeof config.brokers === 'string'
          ? config.brokers
              .split(',')
              .map((b) => b.trim())
              .filter(Boolean)
          : config.brokers;
      return new KafkaBus({
        brokers,
        clientId: config.clientId,
        onError: config.onError,
        retry: config.retry,
      });
    }
    default:
      throw new Error(
        `bus backend: unknown type "${(config as { type: unknown }).type}" (expected memory or kafka)`,
      );
  }
}

export * from './types.ts';
export { MemoryBus } from './memory.ts';
export { KafkaBus } from './kafka.ts';
