/**
 * The `SourcePriority` policy (spec of `kind: SourcePriority`): which sources feed which fields, in
 * which order, and what makes a source's value valid. Changing the order or a rule in the YAML
 * changes the fused result; no code knows the field names.
 *
 * @example
 * spec:
 *   key: [symbol, trade_date]
 *   sources: {qmt: {lineage: miniQMT, suffix: qmt}, tushare: {lineage: Tushare, suffix: ts}}
 *   expect: [qmt, tushare]
 *   groups:
 *     - name: ohlc
 *       order: [qmt, tushare]
 *       dataset: daily
 *       mode: record
 *       fields:
 *         close: {rules: [{gt: 0}]}
 *         high: {rules: [{gt: 0}, {gte_field: low}]}
 */
import type { Rule } from './rules.ts';

/** Where a field's value comes from in one source's Bronze rows. */
export interface Binding {
  /** Bronze dataset (default: the group's `dataset`). */
  dataset?: string;
  /** Column in that dataset (default: the field name, or the field's `from`). */
  field?: string;
  /** Multiply the source value (units: 万元 → yuan is 10000, percent → fraction is 0.01). */
  scale?: number;
}

export interface FieldPolicy {
  /** Column name in the Bronze rows when it differs from the field name (all sources). */
  from?: string;
  /** Per-source overrides of dataset/column/scale. */
  sources?: Record<string, Binding>;
  /** `number` (default) requires a finite number; `string` a non-empty string. */
  type?: 'number' | 'string';
  /** Validity rules, all must hold (presence and type are always checked first). */
  rules?: Rule[];
  /**
   * A null the source sent in a row it has is the value, not a gap (Tushare's pe_ttm of a
   * loss-maker): when no source has a valid value, the field stays null but its lineage names the
   * first source that reported the null, so imputation leaves it alone.
   */
  reported_null?: boolean;
  description?: string;
}

export interface GroupPolicy {
  name: string;
  description?: string;
  /** Source names, highest priority first. */
  order: string[];
  /** Default Bronze dataset of the group's fields. */
  dataset?: string;
  /** Per-source dataset of the group's fields when sources name it differently (qmt: hist_kline). */
  datasets?: Record<string, string>;
  /**
   * `field` (default): every field independently takes the first source whose value is valid.
   * `record`: the whole group comes from the first source whose values are all valid (so an OHLC bar
   * never mixes sources); if none is fully valid, falls back to `field`.
   */
  mode?: 'field' | 'record';
  /**
   * Extra lineage column summarising the group (e.g. `financials_source`): the lineage of the group's
   * first resolved field. Every field has its own `<field>_source` anyway (`close_source`).
   */
  lineage?: string;
  fields: Record<string, FieldPolicy>;
}

export interface SourceInfo {
  /** Lineage value written to `<field>_source`, e.g. `miniQMT`. */
  lineage: string;
  /** Suffix for per-source raw copies (`close_qmt`) kept for consistency checks. */
  suffix?: string;
}

export interface SourcePrioritySpec {
  /** Join key columns (default `[symbol, trade_date]`; the last one is the trading day). */
  key?: string[];
  sources: Record<string, SourceInfo>;
  /**
   * Streams fuse waits for before a trading day is complete (until the deadline): a source (`qmt`)
   * or a source's dataset (`tushare/adj_factor`). Default: every source.
   */
  expect?: string[];
  /** Fields whose per-source raw values are copied as `<field>_<suffix>` (e.g. close, volume). */
  keepSourceValues?: string[];
  /** Datasets passed through untouched ahead of the fused rows (corporate actions, ratings). */
  passthrough?: string[];
  groups: GroupPolicy[];
}

/** The five lineage values of domain §3. */
export const LINEAGE_VALUES = [
  'miniQMT',
  'Tushare',
  'Imputed_ML',
  'Imputed_Static',
  'System_Calculated',
] as const;
export type Lineage = (typeof LINEAGE_VALUES)[number];
