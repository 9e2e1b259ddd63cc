/**
 * The `spec` sections of the quality kinds (QualityPolicy, QualityScore, AlertPolicy), as validated
 * by the kind modules in `operators/kinds/`. Kept apart from the schemas so operators and the CLI
 * can share them without importing a kind.
 */

/** One pair of source columns compared by the consistency gate. */
export interface ConsistencyField {
  /** Name used in flags and reasons, e.g. `close`. */
  name: string;
  /** Primary source column (miniQMT); the relative diff's denominator. */
  primary: string;
  /** Secondary source column (Tushare). */
  secondary: string;
  /** Base relative tolerance, e.g. 0.005. */
  tolerance: number;
  /** Whether the dynamic tier multiplier applies (default true). */
  dynamic?: boolean;
}

export interface Tier {
  above: number;
  multiplier: number;
}

export interface QualityPolicySpec {
  consistency: {
    fields: ConsistencyField[];
    batch_target: number;
    review_threshold: number;
    group_by?: string | null;
  };
  dynamic: {
    enabled: boolean;
    volatility_index: {
      definition: 'mean_abs_daily_range';
      high: string[];
      low: string[];
      reference: string[];
      min_symbols?: number;
    };
    tiers: Tier[];
  };
  kline: { target: number; rules: { id: string; description: string }[] };
  completeness: {
    symbol_ratio_target: number;
    key_fields: string[];
    fields: string[];
    key_missing_target: number;
    key_missing_alert: number;
    total_missing_alert: number;
    close_missing_p0: number;
  };
  timeliness: { market_close: string; utc_offset: string; max_minutes: number };
  validity: {
    symbol_pattern: string;
    ranges: Record<string, { min?: number; max?: number; exclusive_min?: boolean }>;
    enums: Record<string, string[]>;
  };
}

export type DimensionId = 'completeness' | 'accuracy' | 'consistency' | 'timeliness' | 'validity_uniqueness';

export interface QualityScoreSpec {
  dimensions: { id: DimensionId; kpi?: string; weight: number; description: string }[];
  bands: { name: string; min: number }[];
  monthly_target: number;
}

export type Severity = 'P0' | 'P1' | 'P2' | 'P3';

export interface AlertRule {
  name: string;
  severity: Severity;
  when: { field: string; op: 'lt' | 'le' | 'gt' | 'ge' | 'eq' | 'ne'; value: number | string | boolean };
  /** Record fields that identify an episode besides the rule name (default none: one episode per rule). */
  key?: string[];
  summary: string;
}

export interface AlertPolicySpec {
  severities: Record<Severity, { description: string; page: boolean }>;
  routes: Record<Severity, string[]>;
  rules: AlertRule[];
}
