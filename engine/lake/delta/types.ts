/**
 * Delta protocol shapes: table schema types and log actions (PROTOCOL.md, reader v1 / writer v2).
 * Field names follow the protocol's JSON exactly so actions serialise without mapping.
 */

/** A primitive Delta type name, e.g. `long`, `date`, `decimal(18,4)`. */
export type PrimitiveType = string;

/** A complex type as it appears in `schemaString`. Read-only support (data files are flat). */
export type ComplexType =
  | { type: 'struct'; fields: Field[] }
  | { type: 'array'; elementType: DeltaType; containsNull: boolean }
  | { type: 'map'; keyType: DeltaType; valueType: DeltaType; valueContainsNull: boolean };

export type DeltaType = PrimitiveType | ComplexType;

export interface Field {
  name: string;
  type: DeltaType;
  nullable: boolean;
  metadata: Record<string, unknown>;
}

export interface StructType {
  type: 'struct';
  fields: Field[];
}

export interface Protocol {
  minReaderVersion: number;
  minWriterVersion: number;
  readerFeatures?: string[];
  writerFeatures?: string[];
}

export interface Metadata {
  id: string;
  name?: string | null;
  description?: string | null;
  format: { provider: string; options: Record<string, string> };
  schemaString: string;
  partitionColumns: string[];
  configuration: Record<string, string>;
  createdTime?: number | null;
}

export interface Add {
  path: string;
  partitionValues: Record<string, string | null>;
  size: number;
  modificationTime: number;
  dataChange: boolean;
  stats?: string | null;
  tags?: Record<string, string> | null;
  deletionVector?: unknown;
}

export interface Remove {
  path: string;
  deletionTimestamp?: number | null;
  dataChange: boolean;
  extendedFileMetadata?: boolean;
  partitionValues?: Record<string, string | null> | null;
  size?: number | null;
  deletionVector?: unknown;
}

export interface Txn {
  appId: string;
  version: number;
  lastUpdated?: number | null;
}

export interface CommitInfo {
  timestamp?: number;
  operation?: string;
  operationParameters?: Record<string, unknown>;
  readVersion?: number;
  isolationLevel?: string;
  isBlindAppend?: boolean;
  [key: string]: unknown;
}

/** One line of a commit file. Exactly one key is set; unknown action kinds are kept opaque. */
export interface Action {
  protocol?: Protocol;
  metaData?: Metadata;
  add?: Add;
  remove?: Remove;
  txn?: Txn;
  commitInfo?: CommitInfo;
  [other: string]: unknown;
}

/** Thrown when a commit cannot be retried because a concurrent winner conflicts with it. */
export class DeltaConflictError extends Error {
  constructor(
    readonly kind:
      | 'ProtocolChanged'
      | 'MetadataChanged'
      | 'ConcurrentAppend'
      | 'ConcurrentDeleteRead'
      | 'ConcurrentDeleteDelete'
      | 'ConcurrentTransaction'
      | 'TooManyRetries',
    message: string,
  ) {
    super(`${kind}: ${message}`);
    this.name = 'DeltaConflictError';
  }
}

/** A record refused by schema enforcement; names the column and the problem. */
export class DeltaSchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeltaSchemaError';
  }
}
