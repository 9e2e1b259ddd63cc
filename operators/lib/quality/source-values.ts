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

interface Lookup {
  base: string;
  names: string[];
  /** `<base>_<alias>` and `<alias>_<base>` per alias, in the order they are tried. */
  flat: string[];
}

// Parsed once per column name: the gate asks for the same few columns on every row, and most rows
// lack some of them (e.g. high_qmt), so re-running the regex and building the alias keys per row
// was a measurable share of the gate's time (bench/peers.bench.ts).
const lookups = new Map<string, Lookup | null>();

function lookupOf(column: string): Lookup | null {
  let l = lookups.get(column);
  if (l !== undefined) return l;
  const m = /^(.+)_([A-Za-z]+)$/.exec(column);
  if (!m) l = null;
  else {
    const [, base, side] = m;
    const names = ALIASES[side] ?? Object.values(ALIASES).find((a) => a.includes(side)) ?? [side];
    l = { base, names, flat: names.flatMap((s) => [`${base}_${s}`, `${s}_${base}`]) };
  }
  lookups.set(column, l);
  return l;
}

/** Resolves `column` on `rec`, trying the aliases above when the exact column is absent. */
export function sourceValue(rec: Rec, column: string): unknown {
  if (rec[column] !== undefined) return rec[column];
  const l = lookupOf(column);
  if (!l) return undefined;
  for (const k of l.flat) if (rec[k] !== undefined) return rec[k];
  for (const c of CONTAINERS) {
    const box = rec[c];
    if (!box || typeof box !== 'object') continue;
    for (const s of l.names) {
      const side = (box as Record<string, unknown>)[s];
      if (side && typeof side === 'object' && (side as Rec)[l.base] !== undefined)
        return (side as Rec)[l.base];
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
