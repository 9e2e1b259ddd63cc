/**
 * Remembers which source currently serves the data and logs every switch with its timings:
 * `detectionMs` (first failure of the streak → source declared unavailable) and `switchMs`
 * (first failure → first data from the new source). Also keeps the failover metrics.
 */
import type { Context } from '../../../engine/api/index.ts';
import type { SourceHealthLike } from './types.ts';

export interface SwitchRecord {
  from: string | null;
  to: string;
  at: number;
  reason: string;
  probe: boolean;
  detectionMs?: number;
  switchMs?: number;
}

export class SwitchLog {
  private active: string | null = null;
  /** First failure of the current outage of the active source (reset when data flows). */
  private failingSince: number | null = null;
  readonly switches: SwitchRecord[] = [];

  constructor(
    private readonly ctx: Context,
    private readonly names: readonly string[],
    private readonly now: () => number = Date.now,
  ) {}

  get current(): string | null {
    return this.active;
  }

  failed(): void {
    this.failingSince ??= this.now();
  }

  /** The first emission of `to` arrived: records a switch when the serving source changed. */
  serving(to: SourceHealthLike, reason: string, probe: boolean, previous?: SourceHealthLike): void {
    const at = this.now();
    if (this.active !== to.name) {
      const lastDown = previous?.transitions.filter((t) => t.to === 'unavailable').at(-1);
      const rec: SwitchRecord = { from: this.active, to: to.name, at, reason, probe };
      if (lastDown?.detectionMs !== undefined) rec.detectionMs = lastDown.detectionMs;
      if (this.failingSince !== null) rec.switchMs = at - this.failingSince;
      this.switches.push(rec);
      if (this.switches.length > 100) this.switches.shift();
      if (this.active !== null) {
        this.ctx.logger.warn(
          { failover: rec },
          `failover: ${rec.from} → ${rec.to} (${reason})${rec.switchMs !== undefined ? ` after ${rec.switchMs} ms` : ''}`,
        );
        this.ctx.metrics
          .counter('argus_failover_switches_total', 'Source switches by failover nodes', [
            'pipeline',
            'node',
            'from',
            'to',
          ])
          .inc({ pipeline: this.ctx.pipeline, node: this.ctx.node, from: rec.from ?? '', to: rec.to });
        if (rec.switchMs !== undefined) {
          this.ctx.metrics
            .histogram(
              'argus_failover_switch_seconds',
              'First failure → data from the other source',
              ['pipeline', 'node'],
              [1, 5, 10, 30, 60, 120, 300],
            )
            .observe({ pipeline: this.ctx.pipeline, node: this.ctx.node }, rec.switchMs / 1000);
        }
      }
      this.active = to.name;
      const g = this.ctx.metrics.gauge(
        'argus_failover_active_source',
        '1 for the source currently serving a failover node',
        ['pipeline', 'node', 'source'],
      );
      for (const n of this.names)
        g.set({ pipeline: this.ctx.pipeline, node: this.ctx.node, source: n }, n === to.name ? 1 : 0);
    }
    this.failingSince = null;
  }
}
