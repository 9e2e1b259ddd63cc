/**
 * A Bronze worker process for the crash and scale-out scenarios: runs pipelines/bronze.yaml (the
 * scenario's copy) on the real broker until SIGTERM (graceful) or SIGKILL (crash).
 *
 * Usage: node --import tsx test/bronze/worker.ts '<json: {brokers, lake, files}>'
 */
import { createBus } from '../../engine/backends/bus/index.ts';
import { startBronze } from './harness.ts';

const { brokers, lake, files } = JSON.parse(process.argv[2]) as {
  brokers: string[];
  lake: string;
  files: string[];
};
const bus = createBus({
  type: 'kafka',
  brokers,
  clientId: `bronze-worker-${process.pid}`,
  onError: (m) => console.error(`bus: ${m}`),
});
const engine = await startBronze(bus, lake, files);
console.log('ready');
process.on('SIGTERM', () => {
  void engine.stop().then(() => process.exit(0));
});
