/**
 * `alert` sink: evaluates the rules of an AlertPolicy on each record it receives (the gate's
 * verdicts, the daily quality reports) and reports each rule's state to the engine's `alerts`
 * backend, which fires once per episode, resolves once, and routes by severity (P0–P3) to the
 * receivers the policy names. The batch resolves only after every notification was accepted.
 */
import { defineOperator } from '../../engine/api/index.ts';
import { evaluateRules, type AlertNotifierLike } from '../lib/quality/alert-rules.ts';
import { alertMetrics } from '../lib/quality/metrics.ts';
import type { AlertPolicySpec } from '../lib/quality/types.ts';

export interface AlertSinkConfig {
  /** AlertPolicy name (default `default`). */
  policy?: string;
  /** Evaluate only these rules (default: all). */
  rules?: string[];
  /** Extra labels on every alert (e.g. `{env: prod}`). */
  labels?: Record<string, string>;
}

export default defineOperator<AlertSinkConfig>({
  type: 'alert',
  role: 'sink',
  description:
    'Evaluates AlertPolicy rules on records and notifies through the alerts backend (once per episode, then resolves).',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      policy: { type: 'string', default: 'default' },
      rules: { type: 'array', items: { type: 'string' } },
      labels: { type: 'object', additionalProperties: { type: 'string' } },
    },
  },
  examples: [
    {
      title: 'Alert on consistency verdicts',
      config: { policy: 'default', rules: ['DQConsistencyBelowTarget'] },
    },
    { title: 'Alert on daily reports', config: { policy: 'default', labels: { env: 'prod' } } },
  ],
  create(config, ctx) {
    const policy = ctx.spec<AlertPolicySpec>('AlertPolicy', config.policy ?? 'default').spec;
    for (const name of config.rules ?? [])
      if (!policy.rules.some((r) => r.name === name))
        throw new Error(
          `alert sink: rule "${name}" is not defined in AlertPolicy "${config.policy ?? 'default'}"`,
        );
    const metrics = alertMetrics(ctx.metrics);
    let notifier: AlertNotifierLike | undefined;

    return {
      kind: 'sink',
      async start() {
        notifier = ctx.backend<AlertNotifierLike>('alerts');
      },
      async write(batch) {
        notifier ??= ctx.backend<AlertNotifierLike>('alerts');
        for (const rec of batch.records) {
          const base = { pipeline: String(rec.pipeline ?? ctx.pipeline), ...config.labels };
          for (const o of evaluateRules(rec, policy, base, config.rules)) {
            const event = await notifier.update({
              name: o.rule.name,
              severity: o.rule.severity,
              active: o.active,
              labels: o.labels,
              annotations: o.annotations,
              receivers: o.receivers,
            });
            const labels = { alertname: o.rule.name, severity: o.rule.severity };
            metrics.firing.set(labels, o.active ? 1 : 0);
            if (event) {
              metrics.total.inc({ ...labels, status: event.status });
              ctx.logger.info(
                { alert: o.rule.name, status: event.status },
                `alert ${o.rule.name} ${event.status}`,
              );
            }
          }
        }
      },
    };
  },
});
