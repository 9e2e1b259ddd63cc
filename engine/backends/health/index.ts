/** Source health: state machine, shared registry (the `health` backend) and health-endpoint prober. */
export {
  SourceHealth,
  type HealthOptions,
  type HealthState,
  type Observation,
  type Transition,
} from './source-health.ts';
export { HealthRegistry } from './registry.ts';
export { probeOnce, startProber, type ProberOptions } from './prober.ts';
export { healthBackendFactory } from './backend.ts';
