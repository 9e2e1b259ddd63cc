/** The quota events the manager emits, built from facts (pure functions, easy to read in one place). */
import type { QuotaConfig, QuotaEvent } from './types.ts';

export type NewEvent = Omit<QuotaEvent, 'policy' | 'at'>;

/**
 * Threshold and exhaustion alerts for one increment of a daily counter from `before` to `after`.
 * Increments are atomic, so exactly one increment (one process) crosses each line.
 */
export function crossingEvents(
  config: QuotaConfig,
  endpoint: string,
  limit: number,
  before: number,
  after: number,
  resetsAt: number,
): NewEvent[] {
  const out: NewEvent[] = [];
  const threshold = Math.ceil(config.alertRatio * limit);
  if (before < threshold && after >= threshold) {
    out.push({
      type: 'threshold',
      level: 'P1',
      alert: true,
      endpoint,
      used: after,
      limit,
      message: `quota "${config.name}": endpoint "${endpoint}" used ${after}/${limit} (≥ ${Math.round(config.alertRatio * 100)}% of the daily limit)`,
    });
  }
  if (before < limit && after >= limit) {
    out.push({
      type: 'exhausted',
      level: 'P1',
      alert: true,
      endpoint,
      used: after,
      limit,
      message: `quota "${config.name}": daily limit of endpoint "${endpoint}" reached (${limit})`,
      details: { resetsAt, marketData: config.marketDataEndpoints.includes(endpoint) },
    });
  }
  return out;
}

/** The local "stop using the provider for this endpoint" signal of a refused process. */
export function exhaustedSignal(
  config: QuotaConfig,
  endpoint: string,
  day: string,
  used: number,
  limit: number,
  resetsAt: number,
  why?: string,
): NewEvent {
  return {
    type: 'exhausted',
    level: 'P1',
    alert: false,
    endpoint,
    used,
    limit,
    message: why
      ? `quota "${config.name}": endpoint "${endpoint}": ${why}`
      : `quota "${config.name}": endpoint "${endpoint}" refused: daily limit ${limit} reached`,
    details: { day, resetsAt, marketData: config.marketDataEndpoints.includes(endpoint) },
  };
}

/** The store lost its counters; `alert` only for the process that recovered. */
export function stateLostEvent(config: QuotaConfig, where: string, epoch: string, alert: boolean): NewEvent {
  return {
    type: 'state_lost',
    level: 'P1',
    alert,
    message:
      `quota store ${where} lost its counters (new epoch ${epoch.slice(0, 8)}); ` +
      (config.onStateLoss === 'assume_exhausted'
        ? 'daily limits are assumed exhausted until the day resets (only reserved calls remain)'
        : 'counters restart from zero (policy on_state_loss: keep)'),
  };
}
