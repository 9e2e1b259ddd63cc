/**
 * The local-file-system lake backend: resolves table names under a root directory.
 * The engine registers `createLake(ctx.paths.lake)` as the `lake` backend.
 */
import { isAbsolute, join, normalize, resolve } from 'node:path';
import type { Lake, LakeTable, LakeTableSchemaSpec } from '../api/lake.ts';
import { DeltaTable } from './delta/table.ts';

export class LocalLake implements Lake {
  readonly root: string;
  constructor(root: string) {
    this.root = resolve(root);
  }

  /** Path of a table: `gold/a_share_daily` (or `gold.a_share_daily`) under the root; never outside it. */
  pathOf(name: string): string {
    const rel = name.includes('/') ? name : name.replaceAll('.', '/');
    if (!rel || isAbsolute(rel) || normalize(rel).split(/[\\/]/).includes('..')) {
      throw new Error(`lake: table name '${name}' must be a relative path under the lake root (no '..')`);
    }
    return join(this.root, rel);
  }

  table(name: string): LakeTable & DeltaTable {
    return DeltaTable.at(this.pathOf(name));
  }

  async ensure(doc: { metadata: { name: string; version: string | number }; spec: LakeTableSchemaSpec }): Promise<LakeTable & DeltaTable> {
    return DeltaTable.create(this.pathOf(doc.spec.table), doc.spec.columns, {
      partitionBy: doc.spec.partitionBy,
      properties: doc.spec.properties,
      name: doc.metadata.name,
      schemaName: doc.metadata.name,
      schemaVersion: doc.metadata.version,
      ifExists: 'open',
    });
  }
}

/**
 * The `lake` backend factory.
 * @example const lake = createLake('/srv/argus/lake'); await lake.table('gold/a_share_daily').read();
 */
export function createLake(root: string): LocalLake {
  return new LocalLake(root);
}
