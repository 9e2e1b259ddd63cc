/**
 * What the failover operator needs from the engine's `health` backend (engine/backends/health),
 * stated structurally so that operators depend on `engine/api` only.
 */

export type HealthState = 'healthy' | 'degraded' | 'unavailable' | 'probing';

export type Observation =
  | { ok: true; latencyMs?: number; via?: 'call' | 'health' }
  | { ok: false; kind: 'error' | 'timeout' | 'server' | 'health'; message?: string; via?: 'call' | 'health' };

export interface HealthTransition {
  source: string;
  from: HealthState;
  to: HealthState;
  at: number;
  reason: string;
  inPreviousMs: number;
  detectionMs?: number;
}

export interface HealthOptions {
  degradeAfter?: number;
  unavailableAfter?: number;
  recoverAfter?: number;
  probeAfterMs?: number;
  probeSuccesses?: number;
  slowMs?: number;
}

export interface SourceHealthLike {
  readonly name: string;
  readonly state: HealthState;
  readonly usable: boolean;
  readonly enteredAt: number;
  readonly transitions: readonly HealthTransition[];
  tryProbe(): boolean;
  record(o: Observation): void;
  hold(until: number, reason: string): void;
  onTransition(listener: (t: HealthTransition) => void): () => void;
}

/** The `health` backend. */
export interface HealthBackend {
  get(name: string, opts?: HealthOptions): SourceHealthLike;
}

/** The part of the `quota` backend the failover listens to (optional). */
export interface QuotaEvents {
  onEvent(
    listener: (e: {
      type: string;
      endpoint?: string;
      details?: Record<string, unknown>;
      message: string;
    }) => void,
  ): () => void;
}
