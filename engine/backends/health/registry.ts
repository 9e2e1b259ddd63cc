/**
 * The `health` backend: one {@link SourceHealth} per source name, shared by every node of every
 * pipeline in the process (the collector that sees the errors and the router that picks the source
 * are different nodes).
 *
 * @example
 * const health = new HealthRegistry({ defaults: { unavailableAfter: 3 } });
 * health.get('miniQMT').record({ ok: false, kind: 'timeout' });
 * health.onTransition((t) => logger.warn(t, `${t.source}: ${t.from} → ${t.to}`));
 */
import { startProber, type ProberOptions } from './prober.ts';
import { SourceHealth, type HealthOptions, type HealthState, type Transition } from './source-health.ts';

export class HealthRegistry {
  private readonly sources = new Map<string, SourceHealth>();
  private readonly listeners = new Set<(t: Transition) => void>();
  private readonly probes = new Set<() => void>();
  private readonly defaults: HealthOptions;
  private readonly now: () => number;

  constructor(opts: { defaults?: HealthOptions; now?: () => number } = {}) {
    this.defaults = opts.defaults ?? {};
    this.now = opts.now ?? Date.now;
  }

  /** The source's health, created with `opts` (or the defaults) on first use. */
  get(name: string, opts?: HealthOptions): SourceHealth {
    let h = this.sources.get(name);
    if (!h) {
      h = new SourceHealth(name, { ...this.defaults, ...opts }, this.now);
      h.onTransition((t) => {
        for (const l of this.listeners) l(t);
      });
      this.sources.set(name, h);
    }
    return h;
  }

  /** Every transition of every source. */
  onTransition(listener: (t: Transition) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Current states, e.g. for `/metrics` or a status page. */
  snapshot(): Record<string, { state: HealthState; since: number }> {
    return Object.fromEntries([...this.sources].map(([n, h]) => [n, { state: h.state, since: h.enteredAt }]));
  }

  /** Polls `url` for the source `name` (see `prober.ts`); returns the stop function. */
  probe(name: string, opts: ProberOptions): () => void {
    const stop = startProber(this.get(name), opts);
    this.probes.add(stop);
    return () => {
      stop();
      this.probes.delete(stop);
    };
  }

  async close(): Promise<void> {
    for (const stop of this.probes) stop();
    this.probes.clear();
    this.listeners.clear();
  }
}
