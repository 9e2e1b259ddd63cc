/**
 * The `alerts` backend from the environment, for the composition root:
 * - always a `log` receiver;
 * - `ARGUS_ALERT_WEBHOOK_URL` → a `webhook` receiver;
 * - `ARGUS_ALERTMANAGER_URL` (e.g. `http://127.0.0.1:9093`) → an `alertmanager` receiver;
 * episode state and history under `<stateRoot>/alerts` (read by `argus serve`).
 *
 * @example backends.alerts = (e) => alertBackendFromEnv(process.env, e.stateRoot, e.logger);
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import { createAlertBackend, type ReceiverConfig } from './index.ts';
import type { AlertNotifier } from './types.ts';

export function alertBackendFromEnv(
  env: NodeJS.ProcessEnv,
  stateRoot: string,
  logger?: Logger,
): AlertNotifier {
  const receivers: Record<string, ReceiverConfig> = { log: { type: 'log' } };
  if (env.ARGUS_ALERT_WEBHOOK_URL) receivers.webhook = { type: 'webhook', url: env.ARGUS_ALERT_WEBHOOK_URL };
  if (env.ARGUS_ALERTMANAGER_URL)
    receivers.alertmanager = { type: 'alertmanager', url: env.ARGUS_ALERTMANAGER_URL };
  return createAlertBackend({ receivers, stateDir: join(stateRoot, 'alerts') }, { logger });
}
