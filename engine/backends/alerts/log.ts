/**
 * A receiver that writes each notification as one structured log line (warn when firing, info when
 * resolved). The local default: an alert is never lost even without any external receiver.
 */
import type { Logger } from 'pino';
import type { AlertReceiver } from './types.ts';

export function logReceiver(logger: Logger, name = 'log'): AlertReceiver {
  return {
    name,
    async send(events) {
      for (const e of events) {
        const line = {
          alert: e.name,
          severity: e.severity,
          status: e.status,
          labels: e.labels,
          startsAt: e.startsAt,
          endsAt: e.endsAt,
        };
        const msg = `[${e.severity}] ${e.name} ${e.status}: ${e.annotations.summary ?? ''}`.trim();
        if (e.status === 'firing') logger.warn(line, msg);
        else logger.info(line, msg);
      }
    },
  };
}
