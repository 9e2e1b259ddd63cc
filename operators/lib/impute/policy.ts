/**
 * The `ImputePolicy` (spec of `kind: ImputePolicy`, see `policies/impute.yaml`): which fields are key,
 * how each field is filled, how much history a method needs, how long a gap may be filled, which
 * confidence interval to record, what an imputed value costs the quality score and when to alert.
 *
 * {@link resolvePolicy} turns the YAML (with its defaults and per-field overrides) into the fully
 * populated {@link ResolvedPolicy} the imputer works with, so no other code knows a default.
 *
 * @example
 * const policy = resolvePolicy(ctx.spec<ImputePolicySpec>('ImputePolicy', 'default').spec);
 * policy.fields.find((f) => f.name === 'close')?.methods; // ['prophet', 'ffill']
 */

/** How a missing value can be filled, tried in the field's order until one gives a value. */
export const METHODS = ['prophet', 'native', 'ffill', 'industry_mean'] as const;
export type Method = (typeof METHODS)[number];

/** Native (TypeScript) forecasting models, used directly (`native`) or when the Prophet worker is unavailable. */
export const NATIVE_MODELS = ['drift', 'linear', 'seasonal_naive', 'mean'] as const;
export type NativeModel = (typeof NATIVE_MODELS)[number];

export interface ProphetParams {
  changepoint_prior_scale?: number;
  changepoint_range?: number;
  seasonality_prior_scale?: number;
  weekly_seasonality?: boolean;
  yearly_seasonality?: boolean;
  seasonality_mode?: 'additive' | 'multiplicative';
  /** Posterior samples for the interval (fewer = faster; 0 disables the interval). */
  uncertainty_samples?: number;
}

export interface NativeParams {
  model?: NativeModel;
  /** Most recent observed points the model looks at. */
  window?: number;
  /** Season length in trading days for `seasonal_naive` (5 = one week). */
  season?: number;
}

export interface Penalty {
  completeness: number;
  accuracy: number;
}

export interface FieldSpec {
  name: string;
  /** Key fields count toward the key missing rate and the P1 key threshold. */
  key?: boolean;
  methods: Method[];
  /** `log` models log(value) (positive quantities: prices, volumes), `none` the raw value. */
  transform?: 'log' | 'none';
  /** Decimals of an imputed value (2 for raw A-share prices, 0 for share volumes). */
  round?: number;
  /** Smallest acceptable imputed value (e.g. 0 for volumes). */
  min?: number;
  /**
   * A null whose `<field>_source` names a real source is a value (e.g. pe_ttm of a loss-maker), not
   * a gap. Non-key fields default to true, key fields to false.
   */
  nullable?: boolean;
  min_history?: number;
  max_gap?: number;
  fit_window?: number;
  prophet?: ProphetParams;
  native?: NativeParams;
}

export interface ImputePolicySpec {
  /** Observed points a model (prophet, native) needs before it may forecast. */
  min_history: number;
  /** Longest run of consecutive missing trading days (per symbol and field) that is still filled. */
  max_gap: number;
  /** Width of the confidence interval recorded with model forecasts (0.8 = 10th..90th percentile). */
  interval_width: number;
  /** Most recent observed points a model is fitted on. */
  fit_window?: number;
  /** Rows kept per symbol in the operator's history. */
  history?: { max_rows?: number };
  prophet?: ProphetParams;
  native?: NativeParams;
  fields: FieldSpec[];
  /** Lineage value written to `<field>_source` per method. */
  lineage?: Partial<Record<Method, 'Imputed_ML' | 'Imputed_Static'>>;
  /** Points subtracted from a row's completeness and accuracy dimension scores (0–100) per imputed field. */
  penalties: Partial<Record<Method, Penalty>> & { key_multiplier?: number; max?: Penalty };
  alerts?: {
    /** Key missing rate after imputation that the pipeline aims below (a P2 alert above it). */
    target_key_missing_rate?: number;
    /** Key missing rate (worst key field) after imputation above which a P1 alert fires. */
    key_missing_rate?: number;
    /** Missing rate over all policy fields after imputation above which a P1 alert fires. */
    total_missing_rate?: number;
  };
  /** OHLC field names, kept consistent (high ≥ max(open, close, low), low ≤ min(open, close)) after imputing. */
  kline?: { open: string; high: string; low: string; close: string };
  industry?: {
    /** Row/reference field holding the industry (Tushare `stock_basic.industry`). */
    field?: string;
    /** Reference records carrying symbol → industry (consumed, not passed on). */
    dataset?: string;
    /** Peers with an observed value on the same day needed for an industry mean. */
    min_peers?: number;
  };
}

export interface ResolvedField {
  name: string;
  key: boolean;
  methods: Method[];
  transform: 'log' | 'none';
  round: number | undefined;
  min: number | undefined;
  nullable: boolean;
  minHistory: number;
  maxGap: number;
  fitWindow: number;
  prophet: ProphetParams;
  native: Required<NativeParams>;
}

export interface ResolvedPolicy {
  fields: ResolvedField[];
  intervalWidth: number;
  historyRows: number;
  lineage: Record<Method, 'Imputed_ML' | 'Imputed_Static'>;
  penalties: Record<Method, Penalty>;
  keyMultiplier: number;
  maxPenalty: Penalty;
  alerts: { target: number; key: number; total: number };
  kline: { open: string; high: string; low: string; close: string } | undefined;
  industry: { field: string; dataset: string; minPeers: number };
}

const DEFAULT_LINEAGE: Record<Method, 'Imputed_ML' | 'Imputed_Static'> = {
  prophet: 'Imputed_ML',
  native: 'Imputed_ML',
  ffill: 'Imputed_Static',
  industry_mean: 'Imputed_Static',
};

const NO_PENALTY: Penalty = { completeness: 0, accuracy: 0 };

/** Fills every default and merges per-field overrides over the policy-wide settings. */
export function resolvePolicy(spec: ImputePolicySpec): ResolvedPolicy {
  const fitWindow = spec.fit_window ?? 120;
  const historyRows = Math.max(spec.history?.max_rows ?? fitWindow, fitWindow);
  const fields = spec.fields.map((f): ResolvedField => {
    const key = f.key ?? false;
    const native = { model: 'drift' as NativeModel, window: 20, season: 5, ...spec.native, ...f.native };
    return {
      name: f.name,
      key,
      methods: [...f.methods],
      transform: f.transform ?? 'none',
      round: f.round,
      min: f.min,
      nullable: f.nullable ?? !key,
      minHistory: f.min_history ?? spec.min_history,
      maxGap: f.max_gap ?? spec.max_gap,
      fitWindow: Math.min(f.fit_window ?? fitWindow, historyRows),
      prophet: { ...spec.prophet, ...f.prophet },
      native,
    };
  });
  const penalties = {} as Record<Method, Penalty>;
  for (const m of ['prophet', 'native', 'ffill', 'industry_mean'] as const)
    penalties[m] = spec.penalties[m] ?? NO_PENALTY;
  return {
    fields,
    intervalWidth: spec.interval_width,
    historyRows,
    lineage: { ...DEFAULT_LINEAGE, ...spec.lineage },
    penalties,
    keyMultiplier: spec.penalties.key_multiplier ?? 1,
    maxPenalty: spec.penalties.max ?? { completeness: 100, accuracy: 100 },
    alerts: {
      target: spec.alerts?.target_key_missing_rate ?? 0.001,
      key: spec.alerts?.key_missing_rate ?? 0.01,
      total: spec.alerts?.total_missing_rate ?? 0.05,
    },
    kline: spec.kline,
    industry: {
      field: spec.industry?.field ?? 'industry',
      dataset: spec.industry?.dataset ?? 'stock_basic',
      minPeers: spec.industry?.min_peers ?? 1,
    },
  };
}
