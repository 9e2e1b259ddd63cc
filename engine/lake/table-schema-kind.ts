/**
 * The `TableSchema` spec kind (registered by the engine): a versioned Delta table schema.
 * @example
 * apiVersion: argus/v1
 * kind: TableSchema
 * metadata: {name: gold.a_share_daily, version: 1}
 * spec:
 *   table: gold/a_share_daily
 *   partitionBy: [trade_date]
 *   properties: {delta.checkpointInterval: "10"}
 *   columns:
 *     - {name: trade_date, type: date, nullable: false, description: "trading day"}
 */
import { defineKind } from '../api/kind.ts';
import { checkTableSchema, tableSchemaJsonSchema, type TableSchemaSpec } from './table-schema.ts';

export default defineKind<TableSchemaSpec>({
  kind: 'TableSchema',
  description: 'A versioned Delta table schema: table path, partition columns, properties and typed columns with quality rules.',
  schema: tableSchemaJsonSchema as unknown as Record<string, unknown>,
  check: (doc) => checkTableSchema(doc.spec),
});
