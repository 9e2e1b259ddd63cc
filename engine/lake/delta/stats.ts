/**
 * Per-file statistics (P §Per-file Statistics) from the writer's exact column min/max/nulls.
 * Wrong stats silently drop rows in readers that skip files, so anything uncertain is omitted:
 * NaN columns, long strings (never truncate a max downward), booleans and binaries.
 */
import type { WrittenFile } from './parquet/write.ts';
import { RawNumber, stringifyExact } from './json.ts';
import { fromDays, microsToIso, unscaledToText } from './values.ts';

const MAX_STAT_COLUMNS = 32; // delta.dataSkippingNumIndexedCols default
const MAX_STRING = 32;
const dec = new TextDecoder();

/** The `add.stats` JSON string for a written file. */
export function statsJson(file: WrittenFile): string {
  const minValues: Record<string, unknown> = {};
  const maxValues: Record<string, unknown> = {};
  const nullCount: Record<string, unknown> = {};
  for (const c of file.columns.slice(0, MAX_STAT_COLUMNS)) {
    const { name, prim } = c.spec;
    nullCount[name] = c.nullCount;
    if (c.min === undefined || c.max === undefined) continue;
    const pair = statPair(prim.kind, prim.scale ?? 0, c.min, c.max);
    if (!pair) continue;
    minValues[name] = pair[0];
    maxValues[name] = pair[1];
  }
  return stringifyExact({ numRecords: file.numRows, minValues, maxValues, nullCount });
}

function statPair(kind: string, scale: number, min: unknown, max: unknown): [unknown, unknown] | undefined {
  switch (kind) {
    case 'integer': case 'short': case 'byte': case 'long': case 'float': case 'double':
      return [min, max];
    case 'date':
      return [fromDays(min as number), fromDays(max as number)];
    case 'timestamp':
      return [microsToIso(BigInt(min as number)), microsToIso(BigInt(max as number))];
    case 'timestamp_ntz':
      return [microsToIso(BigInt(min as number)).slice(0, -1), microsToIso(BigInt(max as number)).slice(0, -1)];
    case 'decimal':
      return [new RawNumber(unscaledToText(BigInt(min as number | bigint), scale)), new RawNumber(unscaledToText(BigInt(max as number | bigint), scale))];
    case 'string': {
      const a = dec.decode(min as Uint8Array);
      const b = dec.decode(max as Uint8Array);
      if ([...a].length > MAX_STRING || [...b].length > MAX_STRING) return undefined;
      return [a, b];
    }
    default:
      return undefined;
  }
}
