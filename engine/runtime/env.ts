/**
 * What a running engine shares between pipelines and nodes: paths, logger, metrics, backends,
 * the secret resolver and the currently loaded spec documents.
 */
import type { Logger } from 'pino';
import type { Metrics, SecretResolver, SpecDoc } from '../api/index.ts';

export interface EngineEnv {
  root: string;
  lakeRoot: string;
  stateRoot: string;
  logger: Logger;
  metrics: Metrics;
  backends: Backends;
  secrets: SecretResolver;
  /** `argus validate`: leave unset `${env:...}` references unresolved instead of failing. */
  validateOnly?: boolean;
  /** The loaded documents (replaced on reload). */
  docs: SpecDoc[];
}

export type BackendFactory = (env: EngineEnv) => unknown;

/** Backends by role, created on first use and closed with the engine. */
export class Backends {
  private readonly made = new Map<string, unknown>();

  constructor(
    private readonly factories: Record<string, BackendFactory>,
    private env?: EngineEnv,
  ) {}

  bind(env: EngineEnv): void {
    this.env = env;
  }

  get<T>(role: string): T {
    if (!this.made.has(role)) {
      const make = this.factories[role];
      if (!make)
        throw new Error(
          `no "${role}" backend is configured (known: ${Object.keys(this.factories).join(', ') || 'none'})`,
        );
      this.made.set(role, make(this.env!));
    }
    return this.made.get(role) as T;
  }

  async close(): Promise<void> {
    for (const b of this.made.values()) await (b as { close?: () => Promise<void> })?.close?.();
    this.made.clear();
  }
}
