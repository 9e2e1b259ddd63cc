/**
 * The two tasks a pool worker does, and their main-thread halves: encode a data file from packed
 * columns and write it durably (the worker fsyncs its own file and returns only size and stats),
 * and decode a whole data file into packed columns. The worker runs the very same encoder and
 * decoder as the main thread, so files and values are identical wherever a task ran.
 */
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { writeDurable } from '../log.ts';
import type { ColumnSpec } from '../parquet/columns.ts';
import { fastReadable } from '../parquet/fast-read.ts';
import { numberValued, parquetMeta, readParquetInto, type OutColumn, type ReadColumn, type ReadOptions } from '../parquet/read.ts';
import { writeParquet } from '../parquet/write.ts';
import { statsJson } from '../stats.ts';
import { packMaskedNumbers, packReadColumn, packWriteColumn, unpackReadColumn, unpackWriteColumn, type ReadPacked, type StringTable, type WirePacked } from './transport.ts';

export interface EncodeTask {
  op: 'encode';
  /** Absolute path of the data file to create. */
  path: string;
  specs: ColumnSpec[];
  rowGroupRows?: number;
  numRows: number;
  /** Packed values per spec, in spec order. */
  cols: WirePacked[];
}

export interface Encoded {
  size: number;
  stats: string;
}

/**
 * Main thread: the encode task for rows `idx[lo..hi)` of `column(name)`, with buffers to transfer;
 * undefined when some column cannot travel (the file is then encoded locally).
 */
export function encodeMessage(
  path: string,
  specs: readonly ColumnSpec[],
  column: (name: string) => ArrayLike<unknown> | undefined,
  rows: { idx?: Int32Array; lo: number; hi: number },
  rowGroupRows: number | undefined,
): { task: EncodeTask; transfer: ArrayBuffer[] } | undefined {
  const cols: WirePacked[] = [];
  const transfer: ArrayBuffer[] = [];
  for (const s of specs) {
    const p = packWriteColumn(column(s.name), s.nullable, rows.idx, rows.lo, rows.hi);
    if (!p) return undefined;
    cols.push(p.packed);
    transfer.push(...p.transfer);
  }
  return { task: { op: 'encode', path, specs: [...specs], rowGroupRows, numRows: rows.hi - rows.lo, cols }, transfer };
}

/** Worker: encodes and durably writes the file. */
export async function encodeTask(t: EncodeTask): Promise<Encoded> {
  const byName = new Map(t.specs.map((s, k) => [s.name, unpackWriteColumn(t.cols[k], t.numRows)]));
  const file = writeParquet(t.specs, { numRows: t.numRows, column: (name) => byName.get(name) }, { rowGroupRows: t.rowGroupRows });
  await fs.mkdir(dirname(t.path), { recursive: true });
  await writeDurable(t.path, file.bytes);
  return { size: file.bytes.length, stats: statsJson(file) };
}

export interface DecodeTask {
  op: 'decode';
  /** The whole file (transferred). */
  bytes: Uint8Array;
  wanted: ReadColumn[];
  /** Per wanted column: decode into a Float64Array (the caller's container is one). */
  typed: boolean[];
  opts: ReadOptions;
}

export interface Decoded {
  numRows: number;
  cols: ReadPacked[];
  /** Strings added to the worker's table for this answer (applied by the pool on arrival). */
  strings?: { reset: boolean; fresh: string[] };
  /** Set on arrival: the main thread's mirror of the worker's string table for this answer. */
  table?: string[];
}

/**
 * Main thread: the decode task for a file's bytes. The bytes are moved to the worker when they own
 * their whole buffer (fs.readFile's do), else copied (never detach a shared pool buffer).
 */
export function decodeMessage(bytes: Uint8Array, wanted: readonly ReadColumn[], typed: boolean[], opts: ReadOptions): { task: DecodeTask; transfer: ArrayBuffer[] } {
  const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
  const b = own ? bytes : bytes.slice();
  const o: ReadOptions = opts.decimals === undefined ? {} : { decimals: opts.decimals };
  return { task: { op: 'decode', bytes: b, wanted: [...wanted], typed, opts: o }, transfer: [b.buffer as ArrayBuffer] };
}

/**
 * Worker: decodes the file into one container per wanted column; `pack` packs them for the main
 * thread. Call `pack` right before posting the answer, in the same synchronous step: strings that
 * are not repetitive within the file go through the worker's `table`, and answers must take them
 * from it in the order they are posted.
 */
export async function decodeTask(t: DecodeTask): Promise<{ pack(table?: StringTable): { result: Decoded; transfer: ArrayBuffer[] } }> {
  const meta = parquetMeta(t.bytes);
  const numRows = Number(meta.num_rows);
  // Nullable numbers too go into a Float64Array, with a null mask: no boxed number per value here,
  // and nothing to repack (files the fast reader decodes; others give reader values to pack).
  const masked = fastReadable(meta, t.wanted.map((w) => w.name));
  const nulls = t.wanted.map((w, k) => (masked && !t.typed[k] && numberValued(w.prim, t.opts) ? new Uint8Array(numRows) : undefined));
  const out: OutColumn[] = t.typed.map((typed, k) => (typed || nulls[k] ? new Float64Array(numRows) : new Array(numRows)));
  await readParquetInto(t.bytes, meta, t.wanted, t.opts, out, 0, nulls);
  return {
    pack(table) {
      const cols: ReadPacked[] = [];
      const transfer: ArrayBuffer[] = [];
      table?.begin();
      out.forEach((c, k) => {
        const p = nulls[k] ? packMaskedNumbers(c as Float64Array, nulls[k]) : packReadColumn(c, table);
        cols.push(p.packed);
        transfer.push(...p.transfer);
      });
      return { result: { numRows, cols, strings: table?.take() }, transfer };
    },
  };
}

/** Main thread: writes a decoded file's columns into the scan's containers from row `offset` on. */
export function receiveDecoded(d: Decoded, out: readonly OutColumn[], offset: number): void {
  d.cols.forEach((p, k) => unpackReadColumn(p, out[k], offset, d.table));
}
