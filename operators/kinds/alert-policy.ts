/**
 * `kind: AlertPolicy` — P0–P3 severities, routing to named receivers and the rules the `alert`
 * sink evaluates on verdict/report records (see `policies/alerts.yaml`).
 */
import { defineKind } from '../../engine/api/index.ts';
import type { AlertPolicySpec } from '../lib/quality/types.ts';

const SEVERITIES = ['P0', 'P1', 'P2', 'P3'];
const severity = {
  type: 'object',
  additionalProperties: false,
  required: ['description', 'page'],
  properties: { description: { type: 'string' }, page: { type: 'boolean' } },
};
const receivers = { type: 'array', items: { type: 'string', minLength: 1 } };

export default defineKind<AlertPolicySpec>({
  kind: 'AlertPolicy',
  description:
    'Alert severities P0–P3, their routing to receivers, and record-level alert rules (fire once per episode, then resolve)',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['severities', 'routes', 'rules'],
    properties: {
      severities: {
        type: 'object',
        additionalProperties: false,
        required: SEVERITIES,
        properties: Object.fromEntries(SEVERITIES.map((s) => [s, severity])),
      },
      routes: {
        type: 'object',
        additionalProperties: false,
        required: SEVERITIES,
        properties: Object.fromEntries(SEVERITIES.map((s) => [s, receivers])),
      },
      rules: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'severity', 'when', 'summary'],
          properties: {
            name: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
            severity: { enum: SEVERITIES },
            when: {
              type: 'object',
              additionalProperties: false,
              required: ['field', 'op', 'value'],
              properties: {
                field: { type: 'string', minLength: 1 },
                op: { enum: ['lt', 'le', 'gt', 'ge', 'eq', 'ne'] },
                value: { type: ['number', 'string', 'boolean'] },
              },
            },
            key: { type: 'array', items: { type: 'string' } },
            summary: { type: 'string' },
          },
        },
      },
    },
  },
  check(doc) {
    const errs: { pointer: string; message: string }[] = [];
    const names = doc.spec.rules.map((r) => r.name);
    names.forEach((n, i) => {
      if (names.indexOf(n) !== i)
        errs.push({ pointer: `/rules/${i}/name`, message: `rule "${n}" defined twice` });
    });
    return errs;
  },
});
