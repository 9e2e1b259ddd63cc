/**
 * Tolerant access to the two sources' raw values on a fused row. The agreed shape is flat columns
 * `<field>_qmt` / `<field>_ts` (see docs/quality.md), but fusion may name the sides differently
 * while the pipeline settles, so a configured column like `close_qmt` is also found as
 * `close_miniQMT`, `qmt_close`, or nested under `raw|sources|by_source` → `qmt|miniQMT|...` → `close`.
 */
import type { ColumnTable } from 'arquero';
import type { Rec } from '../../../engine/api/index.ts';
import { column } from '../../../engine/api/index.ts';

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

// Parsed once per column name: the gate resolves the same few columns for every day.
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

/**
 * The values of `column` for every row of `t`: the column itself where a row has a value, else
 * the first alias (flat columns, then the nested containers) that has one. `undefined` when no
 * row can have a value. When the table has none of the aliases (the agreed shape), this is the
 * column itself, without a copy.
 * @example const closes = sourceColumn(t, 'close_qmt'); // also finds qmt_close or sources.miniQMT.close
 */
export function sourceColumn(t: ColumnTable, name: string): ArrayLike<unknown> | undefined {
  const exact = column<unknown>(t, name);
  const l = lookupOf(name);
  const flat = (l?.flat ?? []).filter((k) => k !== name).map((k) => column<unknown>(t, k));
  const boxes = l ? CONTAINERS.map((c) => column<unknown>(t, c)) : [];
  if (!flat.some(Boolean) && !boxes.some(Boolean)) return exact;
  const n = t.numRows();
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) {
    let v = exact ? exact[i] : undefined;
    for (let k = 0; v === undefined && k < flat.length; k++) v = flat[k]?.[i];
    for (let k = 0; v === undefined && k < boxes.length; k++) v = nested(boxes[k]?.[i], l!);
    out[i] = v;
  }
  return out;
}

/** `box.<side>.<base>` for the first side alias that has it. */
function nested(box: unknown, l: Lookup): unknown {
  if (!box || typeof box !== 'object') return undefined;
  for (const s of l.names) {
    const side = (box as Record<string, unknown>)[s];
    if (side && typeof side === 'object' && (side as Rec)[l.base] !== undefined) return (side as Rec)[l.base];
  }
  return undefined;
}
