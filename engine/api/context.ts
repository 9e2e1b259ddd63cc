/**
 * What the engine hands an operator: its identity, logger, metrics, the specs it depends on,
 * secrets and backends. Everything an operator needs from the outside comes through here, so
 * that operators import nothing from the engine but `engine/api`.
 */
import type { Logger } from 'pino';
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Secret } from './secret.ts';

export interface Metrics {
  registry: Registry;
  /** Get-or-create, so several nodes can share one metric family. */
  counter<L extends string>(name: string, help: string, labelNames?: readonly L[]): Counter<L>;
  gauge<L extends string>(name: string, help: string, labelNames?: readonly L[]): Gauge<L>;
  histogram<L extends string>(
    name: string,
    help: string,
    labelNames?: readonly L[],
    buckets?: number[],
  ): Histogram<L>;
}

/** A loaded spec document (policy, schema, ...), as validated by its kind's schema. */
export interface SpecDoc<S = unknown> {
  apiVersion: 'argus/v1';
  kind: string;
  metadata: { name: string; version: string | number; [k: string]: unknown };
  spec: S;
  /** Where the document came from, for error messages. */
  file: string;
}

export interface Context {
  /** Pipeline name and node id, e.g. for metric labels and log fields. */
  readonly pipeline: string;
  readonly node: string;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /**
   * A spec this node depends on (a policy, a table schema). The dependency is recorded: when the
   * document changes under hot reload, the node is rebuilt. Throws a clear error if it is missing.
   */
  spec<S = unknown>(kind: string, name: string): SpecDoc<S>;
  /** All loaded documents of a kind (e.g. every TableSchema version). Recorded like `spec`. */
  specs<S = unknown>(kind: string): SpecDoc<S>[];
  /** Resolves a `${secret:path#key}` reference given as a string at run time. */
  secret(ref: string): Secret;
  /** A backend by role (`bus`, `kv`, `secrets`, `lake`, ...), created on first use and shared. */
  backend<T>(role: string): T;
  /** Directories: the project root, the lake root and a private state dir for this node. */
  readonly paths: { root: string; lake: string; state: string };
  /** Aborted when the node is being stopped (reload or shutdown). */
  readonly signal: AbortSignal;
}
