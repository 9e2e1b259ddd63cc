/** The per-node metric families every running graph reports (prom-client). */
import type { Metrics } from '../api/index.ts';

export function nodeMetrics(m: Metrics) {
  return {
    recordsIn: m.counter('argus_node_records_in_total', 'Records received by a node.', ['pipeline', 'node']),
    recordsOut: m.counter('argus_node_records_out_total', 'Records emitted by a node, per port.', [
      'pipeline',
      'node',
      'port',
    ]),
    errors: m.counter(
      'argus_node_errors_total',
      'Records a node routed to its error port, or sink write failures.',
      ['pipeline', 'node'],
    ),
    batchSeconds: m.histogram(
      'argus_node_batch_seconds',
      'Time a sink took to make a batch durable.',
      ['pipeline', 'node'],
      [0.001, 0.005, 0.02, 0.1, 0.5, 2, 10],
    ),
    ackSeconds: m.histogram(
      'argus_source_ack_seconds',
      'Emission to acknowledgement: end-to-end latency through the graph.',
      ['pipeline', 'node'],
      [0.001, 0.005, 0.02, 0.1, 0.5, 2, 10, 60],
    ),
    settled: m.counter('argus_source_emissions_total', 'Source emissions by outcome.', [
      'pipeline',
      'node',
      'outcome',
    ]),
    deadLetters: m.counter('argus_dead_letter_records_total', 'Records written to the dead-letter store.', [
      'pipeline',
      'node',
      'port',
    ]),
  };
}

export type NodeMetrics = ReturnType<typeof nodeMetrics>;
