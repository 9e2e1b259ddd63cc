/**
 * Forwards quota events to the `alerts` backend (engine/backends/alerts): threshold and exhaustion
 * (P1, one episode per endpoint and day), store outage (P2, fires on `degraded`, resolves on
 * `resynced`), lost store state (P1) and budget (P2, per period and day). Local signals
 * (`alert: false`) are not forwarded.
 *
 * @example
 * const stop = forwardQuotaAlerts(quota, ctx.backend<AlertNotifier>('alerts'), { receivers: ['log', 'alertmanager'] });
 */
import type { AlertNotifier, AlertSignal } from '../alerts/index.ts';
import { dayWindow } from './day-window.ts';
import type { QuotaManager } from './manager.ts';
import type { QuotaEvent } from './types.ts';

const NAMES: Record<QuotaEvent['type'], string> = {
  threshold: 'QuotaUsageHigh',
  exhausted: 'QuotaExhausted',
  degraded: 'QuotaStoreUnavailable',
  resynced: 'QuotaStoreUnavailable',
  state_lost: 'QuotaStateLost',
  budget: 'QuotaBudgetHigh',
};

/** The alert signal of a quota event, or null for local signals. */
export function quotaAlertSignal(
  e: QuotaEvent,
  timeZone: string,
  receivers?: readonly string[],
): AlertSignal | null {
  if (!e.alert) return null;
  const day = dayWindow(e.at, timeZone).day;
  const labels: Record<string, string> = { policy: e.policy };
  if (e.endpoint) labels.endpoint = e.endpoint;
  // One episode per crossing: the day is part of the key for the daily conditions.
  if (e.type === 'threshold' || e.type === 'exhausted' || e.type === 'state_lost') labels.day = day;
  if (e.type === 'budget') Object.assign(labels, { period: String(e.details?.period ?? ''), day });
  return {
    name: NAMES[e.type],
    severity: e.level,
    active: e.type !== 'resynced',
    labels,
    annotations: {
      summary: e.message,
      ...(e.used !== undefined ? { used: String(e.used) } : {}),
      ...(e.limit !== undefined ? { limit: String(e.limit) } : {}),
    },
    ...(receivers ? { receivers } : {}),
  };
}

/** Subscribes `notifier` to `quota`'s alert events; returns the unsubscribe function. */
export function forwardQuotaAlerts(
  quota: QuotaManager,
  notifier: AlertNotifier,
  opts: { receivers?: readonly string[] } = {},
): () => void {
  return quota.onEvent((e) => {
    const signal = quotaAlertSignal(e, quota.config.timeZone, opts.receivers);
    if (signal) void notifier.update(signal).catch(() => {}); // a failed delivery is retried by the next report
  });
}
