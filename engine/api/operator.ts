/**
 * The operator contract. An operator module exports one {@link OperatorDefinition}:
 * `{ type, description, configSchema, examples, create(config, ctx) }`. The config schema drives
 * validation, TypeScript types, the editor schema and the generated docs.
 *
 * `create` must be cheap and free of I/O (the compiler calls it for every node before anything
 * runs, to collect every error); connect in `start` / on first read instead.
 */
import type { ColumnTable } from 'arquero';
import type { OperatorFunction } from 'rxjs';
import type { Batch, Meta, Outcome, Rec } from './batch.ts';
import type { Context } from './context.ts';

/** A JSON Schema (draft 2020-12 subset understood by ajv). */
export type JsonSchema = Record<string, unknown>;

export interface Example<C> {
  title: string;
  config: C;
  /** Optional sample input/output shown in the generated docs. */
  input?: Rec[];
  output?: Rec[];
}

/**
 * What a source emits: records (or the same rows as columns, `table`) plus an optional callback
 * told how the emission ended.
 */
export interface Emission {
  records: Rec[];
  /** The rows as columns; when set, `records` is ignored (pass `[]`). */
  table?: ColumnTable;
  meta?: Meta;
  /** Output port (default `out`); a source sends records it could not parse to `error`. */
  port?: string;
  /** Called once when every sink the records reached has settled them. */
  settled?: (outcome: Outcome) => void;
}

/** A pull-based source: the runtime pulls only while the in-flight budget allows (backpressure). */
export interface Source {
  kind: 'source';
  /** Connects/prepares; failures here roll a reload back. */
  start?(): Promise<void>;
  /** Yields emissions until `signal` aborts or the input ends. */
  read(signal: AbortSignal): AsyncIterable<Emission>;
  /** Releases resources after the last emission settled. */
  close?(): Promise<void>;
}

/**
 * Emit a record on a port (default `out`); `emit.table(t, port)` emits many rows at once as
 * columns, the fast path for column-wise operators.
 */
export interface Emit {
  (record: Rec, port?: string): void;
  table(table: ColumnTable, port?: string): void;
}

/** Per-record: return a record, an array (split), or null/undefined (drop); throw → `error` port. */
export interface RecordTransform {
  kind: 'record';
  process(record: Rec, emit: Emit): Rec | readonly Rec[] | null | undefined | void;
}

/** Per-batch (sync or async): emit records on ports; throw → the whole batch goes to `error`. */
export interface BatchTransform {
  kind: 'batch';
  process(batch: Batch, emit: Emit): void | Promise<void>;
  /** Called when the input completes (drain, reload, shutdown). */
  flush?(emit: Emit): void | Promise<void>;
}

/** A batch on a named output port, as emitted by whole-stream operators. */
export interface PortBatch {
  port: string;
  batch: Batch;
}

/** Whole-stream (joins, windows): full control; must pass on or settle every batch it receives. */
export interface StreamTransform {
  kind: 'stream';
  operator: OperatorFunction<Batch, Batch | PortBatch>;
}

export type Transform = RecordTransform | BatchTransform | StreamTransform;

/** A sink writes a batch durably; resolve → delivered, throw → errored, or return an outcome. */
export interface Sink {
  kind: 'sink';
  start?(): Promise<void>;
  write(batch: Batch): Promise<Outcome | void>;
  close?(): Promise<void>;
}

export type Instance = Source | Transform | Sink;

export type OperatorRole = 'source' | 'transform' | 'sink';

export interface OperatorDefinition<C = any> {
  /** The YAML `type`, e.g. `map`. Unique within a registry. */
  type: string;
  role: OperatorRole;
  description: string;
  configSchema: JsonSchema;
  examples: Example<C>[];
  /**
   * Named output ports besides `error` (which every transform has). Default `['out']`.
   * May depend on the config (e.g. a `switch` with user-named cases).
   */
  ports?: readonly string[] | ((config: C) => readonly string[]);
  create(config: C, ctx: Context): Instance | Promise<Instance>;
}

/** Identity helper that keeps the config type of a definition. */
export function defineOperator<C>(def: OperatorDefinition<C>): OperatorDefinition<C> {
  return def;
}

/** The ports of a definition for a given config (always without `error`). */
export function portsOf<C>(def: OperatorDefinition<C>, config: C): readonly string[] {
  if (def.role === 'sink') return [];
  const ports = typeof def.ports === 'function' ? def.ports(config) : (def.ports ?? ['out']);
  return ports;
}
