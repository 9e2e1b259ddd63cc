/**
 * `kind: ImputePolicy` — how the `impute` operator fills what every source missed (see
 * `policies/impute.yaml` and `docs/impute.md`): key fields, the method chain per field, minimum
 * history, maximum gap, the recorded confidence interval, quality penalties and alert thresholds.
 */
import { defineKind } from '../../engine/api/index.ts';
import { METHODS, NATIVE_MODELS, type ImputePolicySpec } from '../lib/impute/policy.ts';

const rate = { type: 'number', minimum: 0, maximum: 1 };
const count = { type: 'integer', minimum: 1 };
const penalty = {
  type: 'object',
  additionalProperties: false,
  required: ['completeness', 'accuracy'],
  properties: {
    completeness: { type: 'number', minimum: 0, maximum: 100 },
    accuracy: { type: 'number', minimum: 0, maximum: 100 },
  },
};
const prophet = {
  type: 'object',
  additionalProperties: false,
  properties: {
    changepoint_prior_scale: { type: 'number', exclusiveMinimum: 0 },
    changepoint_range: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
    seasonality_prior_scale: { type: 'number', exclusiveMinimum: 0 },
    weekly_seasonality: { type: 'boolean' },
    yearly_seasonality: { type: 'boolean' },
    seasonality_mode: { enum: ['additive', 'multiplicative'] },
    uncertainty_samples: { type: 'integer', minimum: 0, maximum: 5000 },
  },
};
const native = {
  type: 'object',
  additionalProperties: false,
  properties: { model: { enum: [...NATIVE_MODELS] }, window: { type: 'integer', minimum: 2 }, season: count },
};
const lineage = { enum: ['Imputed_ML', 'Imputed_Static'] };

export default defineKind<ImputePolicySpec>({
  kind: 'ImputePolicy',
  description:
    'Missing-value imputation: key fields, method chain per field (prophet, native, ffill, industry_mean), limits, penalties, alerts',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['min_history', 'max_gap', 'interval_width', 'fields', 'penalties'],
    properties: {
      min_history: count,
      max_gap: count,
      interval_width: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
      fit_window: { type: 'integer', minimum: 2 },
      history: {
        type: 'object',
        additionalProperties: false,
        properties: { max_rows: { type: 'integer', minimum: 2 } },
      },
      prophet,
      native,
      fields: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'methods'],
          properties: {
            name: { type: 'string', minLength: 1 },
            key: { type: 'boolean' },
            methods: { type: 'array', minItems: 1, items: { enum: [...METHODS] } },
            transform: { enum: ['log', 'none'] },
            round: { type: 'integer', minimum: 0, maximum: 12 },
            min: { type: 'number' },
            nullable: { type: 'boolean' },
            min_history: count,
            max_gap: count,
            fit_window: { type: 'integer', minimum: 2 },
            prophet,
            native,
          },
        },
      },
      lineage: {
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries(METHODS.map((m) => [m, lineage])),
      },
      penalties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          ...Object.fromEntries(METHODS.map((m) => [m, penalty])),
          key_multiplier: { type: 'number', minimum: 0 },
          max: penalty,
        },
      },
      alerts: {
        type: 'object',
        additionalProperties: false,
        properties: { target_key_missing_rate: rate, key_missing_rate: rate, total_missing_rate: rate },
      },
      kline: {
        type: 'object',
        additionalProperties: false,
        required: ['open', 'high', 'low', 'close'],
        properties: {
          open: { type: 'string' },
          high: { type: 'string' },
          low: { type: 'string' },
          close: { type: 'string' },
        },
      },
      industry: {
        type: 'object',
        additionalProperties: false,
        properties: {
          field: { type: 'string', minLength: 1 },
          dataset: { type: 'string', minLength: 1 },
          min_peers: count,
        },
      },
    },
  },
  check(doc) {
    const errs: { pointer: string; message: string }[] = [];
    const { fields, alerts, kline } = doc.spec;
    const names = fields.map((f) => f.name);
    names.forEach((n, i) => {
      if (names.indexOf(n) !== i)
        errs.push({ pointer: `/fields/${i}/name`, message: `field "${n}" is listed twice` });
    });
    fields.forEach((f, i) => {
      f.methods.forEach((m, j) => {
        if (f.methods.indexOf(m) !== j)
          errs.push({
            pointer: `/fields/${i}/methods/${j}`,
            message: `method "${m}" is listed twice for ${f.name}`,
          });
      });
      if (f.transform === 'log' && f.min !== undefined && f.min < 0)
        errs.push({
          pointer: `/fields/${i}/min`,
          message: `${f.name} uses transform log, so its values are positive; min ${f.min} < 0 is meaningless`,
        });
    });
    if (!fields.some((f) => f.key))
      errs.push({
        pointer: '/fields',
        message: 'no field is marked key: true, so the key missing-rate alert can never fire',
      });
    if (
      alerts?.target_key_missing_rate !== undefined &&
      alerts.key_missing_rate !== undefined &&
      alerts.target_key_missing_rate > alerts.key_missing_rate
    )
      errs.push({
        pointer: '/alerts/target_key_missing_rate',
        message: 'the target key missing rate must not exceed the P1 key missing rate',
      });
    if (kline)
      for (const [role, name] of Object.entries(kline))
        if (!names.includes(name))
          errs.push({
            pointer: `/kline/${role}`,
            message: `kline ${role} field "${name}" is not one of the policy's fields`,
          });
    return errs;
  },
});
