/**
 * A receiver that pushes to Alertmanager's API: `POST <url>/api/v2/alerts` with
 * `[{labels, annotations, startsAt, endsAt, generatorURL}]`. Firing alerts carry an `endsAt` in
 * the future (`firingTtlMs`, default 24 h) so Alertmanager keeps them active without the
 * re-sending Prometheus does; resolving sends the same labels with `endsAt` = now.
 *
 * @example alertmanagerReceiver({ url: 'http://127.0.0.1:9093' })
 */
import { postJson, type PostOptions } from './http.ts';
import type { AlertReceiver } from './types.ts';

export interface AlertmanagerConfig extends PostOptions {
  /** Base URL of Alertmanager, e.g. `http://127.0.0.1:9093`. */
  url: string;
  name?: string;
  firingTtlMs?: number;
  generatorURL?: string;
}

export function alertmanagerReceiver(c: AlertmanagerConfig): AlertReceiver {
  const name = c.name ?? 'alertmanager';
  const endpoint = `${c.url.replace(/\/+$/, '')}/api/v2/alerts`;
  return {
    name,
    async send(events) {
      if (events.length === 0) return;
      const body = events.map((e) => ({
        labels: { alertname: e.name, severity: e.severity, ...e.labels },
        annotations: e.annotations,
        startsAt: e.startsAt,
        endsAt:
          e.status === 'resolved'
            ? (e.endsAt ?? new Date().toISOString())
            : new Date(Date.now() + (c.firingTtlMs ?? 86_400_000)).toISOString(),
        ...(c.generatorURL ? { generatorURL: c.generatorURL } : {}),
      }));
      await postJson(name, endpoint, body, c);
    },
  };
}
