/**
 * Partition predicates for replaceWhere/deleteWhere/read: `{col: value}` (equality; null
 * matches null), `{col: [v1, v2]}` (in), `{col: {gte, gt, lte, lt}}` (range), or a function over
 * the parsed partition values. Values are compared after the same normalisation as writing.
 */
import type { Field } from './types.ts';
import { parsePartitionValue, partitionValueString } from './partitions.ts';
import { primOf, type Prim } from './values.ts';

export type Range = { gte?: unknown; gt?: unknown; lte?: unknown; lt?: unknown };
export type PartitionPredicate =
  | Record<string, unknown>
  | ((values: Record<string, unknown>) => boolean);

/** A function deciding whether a file's `partitionValues` match. Throws if the predicate names a non-partition column. */
export function compilePredicate(
  pred: PartitionPredicate | undefined,
  fields: readonly Field[],
  partitionColumns: readonly string[],
): (pv: Record<string, string | null>) => boolean {
  if (!pred) return () => true;
  const prims = new Map(partitionColumns.map((c) => [c, primOf(fields.find((f) => f.name === c)!.type, c)]));
  const parse = (pv: Record<string, string | null>) =>
    Object.fromEntries(partitionColumns.map((c) => [c, parsePartitionValue(pv[c], prims.get(c)!)]));
  if (typeof pred === 'function') return (pv) => pred(parse(pv));
  const tests: ((pv: Record<string, string | null>) => boolean)[] = [];
  for (const [col, want] of Object.entries(pred)) {
    const prim = prims.get(col);
    if (!prim) throw new Error(`predicate column '${col}' is not a partition column (partitioned by ${partitionColumns.join(', ') || 'nothing'})`);
    const norm = (v: unknown) => comparable(parsePartitionValue(partitionValueString(v, prim, col), prim));
    const value = (pv: Record<string, string | null>) => parsedValue(pv, col, prim);
    if (Array.isArray(want)) {
      const set = new Set(want.map(norm));
      tests.push((pv) => set.has(value(pv)));
    } else if (want !== null && typeof want === 'object' && !(want instanceof Date) && ['gte', 'gt', 'lte', 'lt'].some((k) => k in want)) {
      const r = want as Range;
      const b = { gte: r.gte === undefined ? undefined : norm(r.gte), gt: r.gt === undefined ? undefined : norm(r.gt), lte: r.lte === undefined ? undefined : norm(r.lte), lt: r.lt === undefined ? undefined : norm(r.lt) };
      tests.push((pv) => {
        const v = value(pv);
        if (v === null) return false;
        return (b.gte === undefined || v! >= b.gte!) && (b.gt === undefined || v! > b.gt!) && (b.lte === undefined || v! <= b.lte!) && (b.lt === undefined || v! < b.lt!);
      });
    } else {
      const w = want === null || want === undefined ? null : norm(want);
      tests.push((pv) => value(pv) === w);
    }
  }
  return (pv) => tests.every((t) => t(pv));
}

/**
 * The key of a predicate that pins every partition column to one value (`{trade_date: '2024-01-02'}`,
 * how the delta source reads a table partition by partition), else undefined; equal to
 * {@link partitionKey} of exactly the files the predicate matches.
 * @example exactPartitionKey({ d: '2024-01-02' }, fields, ['d']) // 'number:1704153600000'
 */
export function exactPartitionKey(pred: PartitionPredicate | undefined, fields: readonly Field[], partitionColumns: readonly string[]): string | undefined {
  if (!pred || typeof pred === 'function' || !partitionColumns.length) return undefined;
  if (Object.keys(pred).length !== partitionColumns.length) return undefined;
  const parts: string[] = [];
  for (const col of partitionColumns) {
    if (!(col in pred)) return undefined;
    const want = pred[col];
    if (Array.isArray(want) || (want !== null && typeof want === 'object' && !(want instanceof Date))) return undefined;
    const prim = primOf(fields.find((f) => f.name === col)!.type, col);
    const v = want === null || want === undefined ? null : comparable(parsePartitionValue(partitionValueString(want, prim, col), prim));
    if (v !== v) return undefined; // NaN equals nothing, not even a NaN partition
    parts.push(keyPart(v));
  }
  return parts.join('\u0000');
}

/** The key of a file's partition values (see {@link exactPartitionKey}). */
export function partitionKey(pv: Record<string, string | null>, fields: readonly Field[], partitionColumns: readonly string[]): string {
  return partitionColumns.map((c) => keyPart(parsedValue(pv, c, primOf(fields.find((f) => f.name === c)!.type, c)))).join('\u0000');
}

function keyPart(v: ReturnType<typeof comparable>): string {
  return v === null ? 'null' : `${typeof v}:${String(v)}`;
}

/**
 * A file's partition value, parsed and comparable, memoised per `partitionValues` object: snapshots
 * share their (frozen) actions, so a table read one partition at a time (the delta source over a
 * multi-year range) parses each file's values once instead of once per read.
 */
const parsedValues = new WeakMap<object, Map<string, ReturnType<typeof comparable>>>();
function parsedValue(pv: Record<string, string | null>, col: string, prim: Prim): ReturnType<typeof comparable> {
  let m = parsedValues.get(pv);
  if (!m) parsedValues.set(pv, (m = new Map()));
  let v = m.get(col);
  if (v === undefined) m.set(col, (v = comparable(parsePartitionValue(pv[col], prim))));
  return v;
}

function comparable(v: unknown): string | number | bigint | boolean | null {
  if (v instanceof Date) return v.getTime();
  return v as string | number | bigint | boolean | null;
}
