/**
 * A receiver that POSTs notifications as JSON to a URL, in the shape of Alertmanager's webhook
 * payload (`{version, status, alerts: [...]}`), so chat bridges written for Alertmanager work.
 *
 * @example webhookReceiver({ url: 'http://127.0.0.1:9099/hook' })
 */
import { postJson, type PostOptions } from './http.ts';
import type { AlertReceiver } from './types.ts';

export interface WebhookConfig extends PostOptions {
  url: string;
  name?: string;
}

export function webhookReceiver(c: WebhookConfig): AlertReceiver {
  const name = c.name ?? 'webhook';
  return {
    name,
    async send(events) {
      if (events.length === 0) return;
      const status = events.some((e) => e.status === 'firing') ? 'firing' : 'resolved';
      const payload = {
        version: '4',
        receiver: name,
        status,
        alerts: events.map((e) => ({
          status: e.status,
          labels: { alertname: e.name, severity: e.severity, ...e.labels },
          annotations: e.annotations,
          startsAt: e.startsAt,
          endsAt: e.endsAt ?? '0001-01-01T00:00:00Z',
          fingerprint: e.fingerprint,
        })),
      };
      await postJson(name, c.url, payload, c);
    },
  };
}
