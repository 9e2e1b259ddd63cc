/**
 * Tolerant access to the two sources' raw values on a fused row. The agreed shape is flat columns
 * `<field>_qmt` / `<field>_ts` (see docs/quality.md), but fusion may name the sides differently
 * while the pipeline settles, so a configured column like `close_qmt` is also found as
 * `close_miniQMT`, `qmt_close`, or nested under `raw|sources|by_source` → `qmt|miniQMT|...` → `close`.
 */
import type { Rec } from '../../../engine/api/index.ts';

const ALIASES: Record<string, string[]> = {
  qmt: ['qmt', 'miniQMT', 'miniqmt', 'QMT'],
  ts: ['ts', 'tushare', 'Tushare'],
};
const CONTAINERS = ['raw', 'sources', 'by_source'];

/** Resolves `column` on `rec`, trying the aliases above when the exact column is absent. */
export function sourceValue(rec: Rec, column: string): unknown {
  if (rec[column] !== undefined) return rec[column];
  const m = /^(.+)_([A-Za-z]+)$/.exec(column);
  if (!m) return undefined;
  const [, base, side] = m;
  const names = ALIASES[side] ?? Object.values(ALIASES).find((a) => a.includes(side)) ?? [side];
  for (const s of names) {
    if (rec[`${base}_${s}`] !== undefined) return rec[`${base}_${s}`];
    if (rec[`${s}_${base}`] !== undefined) return rec[`${s}_${base}`];
  }
  for (const c of CONTAINERS) {
    const box = rec[c];
    if (!box || typeof box !== 'object') continue;
    for (const s of names) {
      const side = (box as Record<string, unknown>)[s];
      if (side && typeof side === 'object' && (side as Rec)[base] !== undefined) return (side as Rec)[base];
    }
  }
  return undefined;
}

/** A view of `rec` with the configured columns resolved through {@link sourceValue}. */
export function withSourceColumns(rec: Rec, columns: readonly string[]): Rec {
  let out: Rec | undefined;
  for (const c of columns) {
    if (rec[c] !== undefined) continue;
    const v = sourceValue(rec, c);
    if (v !== undefined) (out ??= { ...rec })[c] = v;
  }
  return out ?? rec;
}
