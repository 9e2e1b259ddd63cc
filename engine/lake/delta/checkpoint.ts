/**
 * Classic V1 checkpoints (P §Checkpoints, §Checkpoint Schema): one action per row, in the same
 * nested schema delta-rs writes, plus the `_last_checkpoint` hint.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { ByteWriter, parquetWrite } from 'hyparquet-writer';
import type { SchemaElement } from 'hyparquet';
import { LOG_DIR, pad20, writeDurable } from './log.ts';
import type { Action } from './types.ts';

const str = (name: string, req = false): SchemaElement => ({
  name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: req ? 'REQUIRED' : 'OPTIONAL',
});
const i64 = (name: string): SchemaElement => ({ name, type: 'INT64', repetition_type: 'OPTIONAL' });
const i32 = (name: string): SchemaElement => ({ name, type: 'INT32', repetition_type: 'OPTIONAL' });
const bool = (name: string): SchemaElement => ({ name, type: 'BOOLEAN', repetition_type: 'OPTIONAL' });
const group = (name: string, children: SchemaElement[][]): SchemaElement[] => [
  { name, repetition_type: 'OPTIONAL', num_children: children.length },
  ...children.flat(),
];
const map = (name: string): SchemaElement[] => [
  { name, repetition_type: 'OPTIONAL', converted_type: 'MAP', num_children: 1 },
  { name: 'key_value', repetition_type: 'REPEATED', num_children: 2 },
  str('key', true),
  str('value'),
];
const list = (name: string): SchemaElement[] => [
  { name, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  str('element'),
];

const COLUMNS: [string, SchemaElement[]][] = [
  ['protocol', group('protocol', [[i32('minReaderVersion')], [i32('minWriterVersion')], list('readerFeatures'), list('writerFeatures')])],
  ['metaData', group('metaData', [
    [str('id')], [str('name')], [str('description')],
    group('format', [[str('provider')], map('options')]),
    [str('schemaString')], list('partitionColumns'), [i64('createdTime')], map('configuration'),
  ])],
  ['txn', group('txn', [[str('appId')], [i64('version')], [i64('lastUpdated')]])],
  ['add', group('add', [
    [str('path')], map('partitionValues'), [i64('size')], [i64('modificationTime')], [bool('dataChange')], [str('stats')], map('tags'),
  ])],
  ['remove', group('remove', [
    [str('path')], [i64('deletionTimestamp')], [bool('dataChange')], [bool('extendedFileMetadata')], [i64('size')], map('partitionValues'),
  ])],
];

const big = (v: unknown) => (v === null || v === undefined ? null : BigInt(v as number));

function row(kind: string, a: any): unknown {
  switch (kind) {
    case 'protocol':
      return { minReaderVersion: a.minReaderVersion, minWriterVersion: a.minWriterVersion, readerFeatures: a.readerFeatures ?? null, writerFeatures: a.writerFeatures ?? null };
    case 'metaData':
      return { ...a, format: { provider: a.format?.provider ?? 'parquet', options: a.format?.options ?? {} }, createdTime: big(a.createdTime), configuration: a.configuration ?? {} };
    case 'txn':
      return { appId: a.appId, version: big(a.version), lastUpdated: big(a.lastUpdated) };
    case 'add':
      return { path: a.path, partitionValues: a.partitionValues ?? {}, size: big(a.size), modificationTime: big(a.modificationTime), dataChange: a.dataChange ?? true, stats: a.stats ?? null, tags: a.tags ?? null };
    case 'remove':
      return { path: a.path, deletionTimestamp: big(a.deletionTimestamp), dataChange: a.dataChange ?? true, extendedFileMetadata: a.extendedFileMetadata ?? null, size: big(a.size), partitionValues: a.partitionValues ?? null };
  }
  return null;
}

/** Encodes checkpoint actions (protocol, metaData, txns, adds, removes) as a Parquet file. */
export function encodeCheckpoint(actions: readonly Action[]): Uint8Array {
  const data = COLUMNS.map(([name]) => actions.map((a) => (a[name] ? row(name, a[name]) : null)));
  const schema: SchemaElement[] = [{ name: 'schema', num_children: COLUMNS.length }, ...COLUMNS.flatMap(([, s]) => s)];
  const writer = new ByteWriter();
  parquetWrite({
    writer,
    schema,
    columnData: COLUMNS.map(([name], i) => ({ name, data: data[i] })),
    rowGroupSize: 1_000_000,
  } as never);
  return writer.getBytes();
}

/** Writes `NNN.checkpoint.parquet`, then the `_last_checkpoint` hint (never moving it backwards). */
export async function writeCheckpoint(root: string, version: number, actions: readonly Action[]): Promise<void> {
  const bytes = encodeCheckpoint(actions);
  const dir = join(root, LOG_DIR);
  await writeDurable(join(dir, `${pad20(version)}.checkpoint.parquet`), bytes);
  const last = await readLastCheckpoint(root);
  if (last && last.version >= version) return;
  const hint = {
    version,
    size: actions.length,
    sizeInBytes: bytes.length,
    numOfAddFiles: actions.filter((a) => a.add).length,
  };
  await writeDurable(join(dir, '_last_checkpoint'), JSON.stringify(hint));
}

export async function readLastCheckpoint(root: string): Promise<{ version: number; size: number } | undefined> {
  try {
    return JSON.parse(await fs.readFile(join(root, LOG_DIR, '_last_checkpoint'), 'utf8'));
  } catch {
    return undefined;
  }
}

const WANTED = ['protocol', 'metaData', 'txn', 'add', 'remove'];

/** Reads the actions of a (possibly multi-part) checkpoint; other columns are ignored. */
export async function readCheckpoint(files: readonly string[]): Promise<Action[]> {
  const out: Action[] = [];
  for (const f of files) {
    const bytes = await fs.readFile(f);
    const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const metadata = parquetMetadata(buf);
    const top = new Set<string>();
    // Top-level names: direct children of the root.
    let i = 1;
    const skip = (idx: number): number => {
      const el = metadata.schema[idx];
      let next = idx + 1;
      for (let c = 0; c < (el.num_children ?? 0); c++) next = skip(next);
      return next;
    };
    while (i < metadata.schema.length) {
      top.add(metadata.schema[i].name);
      i = skip(i);
    }
    const columns = WANTED.filter((c) => top.has(c));
    const rows = await parquetReadObjects({
      file: { byteLength: buf.byteLength, slice: (s: number, e?: number) => buf.slice(s, e) },
      metadata,
      columns,
    });
    for (const r of rows) {
      for (const c of columns) {
        const v = (r as Record<string, any>)[c];
        if (v === null || v === undefined) continue;
        out.push({ [c]: normalise(c, v) });
        break;
      }
    }
  }
  return out;
}

const num = (v: unknown) => (v === null || v === undefined ? v : Number(v));
function mapOf(v: unknown): Record<string, string | null> {
  if (!v) return {};
  if (v instanceof Map) return Object.fromEntries(v);
  if (Array.isArray(v)) return Object.fromEntries(v.map((e: any) => [e.key, e.value ?? null]));
  return v as Record<string, string | null>;
}

function normalise(kind: string, v: any): any {
  switch (kind) {
    case 'protocol':
      return { ...v, readerFeatures: v.readerFeatures ?? undefined, writerFeatures: v.writerFeatures ?? undefined };
    case 'metaData':
      return { ...v, createdTime: num(v.createdTime), configuration: mapOf(v.configuration), partitionColumns: v.partitionColumns ?? [], format: { provider: v.format?.provider ?? 'parquet', options: mapOf(v.format?.options) } };
    case 'txn':
      return { ...v, version: num(v.version), lastUpdated: num(v.lastUpdated) };
    case 'add':
      return { ...v, partitionValues: mapOf(v.partitionValues), size: num(v.size), modificationTime: num(v.modificationTime) };
    case 'remove':
      return { ...v, deletionTimestamp: num(v.deletionTimestamp), size: num(v.size), partitionValues: v.partitionValues ? mapOf(v.partitionValues) : undefined };
  }
  return v;
}
