/**
 * The `alerts` backend: named receivers plus episode tracking.
 *
 * @example
 * const alerts = createAlertBackend({
 *   receivers: { log: { type: 'log' }, alertmanager: { type: 'alertmanager', url: 'http://127.0.0.1:9093' } },
 *   stateDir: '.argus/state/alerts',
 * }, { logger });
 * await alerts.update({ name: 'DQConsistencyBelowTarget', severity: 'P1', active: true, receivers: ['log', 'alertmanager'] });
 */
import type { Logger } from 'pino';
import pino from 'pino';
import { alertmanagerReceiver, type AlertmanagerConfig } from './alertmanager.ts';
import { EpisodeStore } from './episodes.ts';
import { logReceiver } from './log.ts';
import type { AlertEvent, AlertNotifier, AlertReceiver, AlertSignal } from './types.ts';
import { webhookReceiver, type WebhookConfig } from './webhook.ts';

export type { AlertEvent, AlertNotifier, AlertReceiver, AlertSignal, AlertSeverity } from './types.ts';
export { fingerprint, EpisodeStore } from './episodes.ts';
export { logReceiver } from './log.ts';
export { webhookReceiver } from './webhook.ts';
export { alertmanagerReceiver } from './alertmanager.ts';

export type ReceiverConfig =
  | { type: 'log' }
  | ({ type: 'webhook' } & Omit<WebhookConfig, 'name'>)
  | ({ type: 'alertmanager' } & Omit<AlertmanagerConfig, 'name'>);

export interface AlertBackendConfig {
  /** Receivers by name; AlertPolicy routes refer to these names. Default: `{log: {type: log}}`. */
  receivers?: Record<string, ReceiverConfig | AlertReceiver>;
  /** Where episode state and the notification history persist (none: in memory). */
  stateDir?: string;
}

export function createReceiver(name: string, c: ReceiverConfig, logger: Logger): AlertReceiver {
  switch (c.type) {
    case 'log':
      return logReceiver(logger, name);
    case 'webhook':
      return webhookReceiver({ ...c, name });
    case 'alertmanager':
      return alertmanagerReceiver({ ...c, name });
    default:
      throw new Error(
        `alert receiver "${name}": unknown type "${(c as { type: string }).type}" (expected log, webhook or alertmanager)`,
      );
  }
}

export function createAlertBackend(
  config: AlertBackendConfig = {},
  opts: { logger?: Logger } = {},
): AlertNotifier {
  const logger = opts.logger ?? pino({ level: 'silent' });
  const receivers = new Map<string, AlertReceiver>();
  for (const [name, c] of Object.entries(config.receivers ?? { log: { type: 'log' } as ReceiverConfig }))
    receivers.set(name, 'send' in c ? c : createReceiver(name, c, logger));
  const store = new EpisodeStore(config.stateDir);
  // One update at a time, so two reports of the same key cannot both fire.
  let queue: Promise<unknown> = Promise.resolve();

  async function deliver(signal: AlertSignal): Promise<AlertEvent | null> {
    const event = store.transition(signal);
    if (!event) return null;
    const names = signal.receivers ?? [...receivers.keys()];
    const targets = names.map((n) => receivers.get(n)).filter((r): r is AlertReceiver => r !== undefined);
    const unknown = names.filter((n) => !receivers.has(n));
    if (unknown.length)
      logger.warn(
        { alert: signal.name, unknown },
        `alert routed to receivers that are not configured: ${unknown.join(', ')}`,
      );
    const results = await Promise.allSettled(targets.map((r) => r.send([event])));
    const failed = results.flatMap((r) =>
      r.status === 'rejected' ? [String((r.reason as Error)?.message ?? r.reason)] : [],
    );
    // The episode advances only when every receiver got it; the caller's retry then re-sends.
    if (failed.length)
      throw new Error(`alert ${signal.name} (${event.status}) not delivered: ${failed.join('; ')}`);
    store.apply(event);
    return event;
  }

  return {
    update(signal) {
      const next = queue.then(() => deliver(signal));
      queue = next.catch(() => undefined);
      return next;
    },
    active: () => store.active(),
    history: () => store.history(),
    async close() {
      await queue;
      for (const r of receivers.values()) await r.close?.();
    },
  };
}
