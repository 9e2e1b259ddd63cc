/**
 * `argus table create|history|optimize|vacuum|checkpoint <path>`: Delta table maintenance.
 *
 * @example
 * argus table create lake/gold/a_share_daily --schema schemas/gold/a_share_daily.v1.yaml
 * argus table history lake/gold/a_share_daily --limit 5
 * argus table optimize lake/gold/a_share_daily
 * argus table vacuum lake/gold/a_share_daily --retention-hours 168 --dry-run
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DeltaTable, parseTableSchema } from '../../lake/index.ts';
import { formatRows } from './query.ts';

/** Creates the table of a TableSchema file at `path` (recording the schema name/version). */
export async function createTableFromSchema(
  path: string,
  schemaFile: string,
): Promise<{ version: number; columns: number }> {
  const doc = await parseTableSchema(schemaFile);
  const t = await DeltaTable.create(path, doc.spec.columns, {
    partitionBy: doc.spec.partitionBy,
    properties: doc.spec.properties,
    name: doc.metadata.name,
    schemaName: doc.metadata.name,
    schemaVersion: doc.metadata.version,
  });
  return { version: await t.version(), columns: doc.spec.columns.length };
}

const clip = (s: string, n: number) => (s.length > n ? s.slice(0, n - 1) + '…' : s);

export function registerTableCommands(program: Command): void {
  const table = program
    .command('table')
    .description('Delta table maintenance: create, history, optimize, vacuum, checkpoint');
  table
    .command('create')
    .description('create a Delta table from a TableSchema document')
    .argument('<path>', 'table directory')
    .requiredOption('--schema <file>', 'TableSchema YAML file')
    .action(async (path: string, o: { schema: string }) => {
      const r = await createTableFromSchema(resolve(path), resolve(o.schema));
      console.log(`created ${path} (version ${r.version}, ${r.columns} columns)`);
    });
  table
    .command('history')
    .description('commit history, newest first')
    .argument('<path>', 'table directory')
    .option('--limit <n>', 'at most n commits')
    .option('--format <format>', 'table | csv | json', 'table')
    .action(async (path: string, o: { limit?: string; format: 'table' | 'csv' | 'json' }) => {
      const h = await (await DeltaTable.open(resolve(path))).history(o.limit ? Number(o.limit) : undefined);
      const rows = h.map((e) => ({
        version: e.version,
        timestamp: e.timestamp ? new Date(e.timestamp).toISOString() : null,
        operation: e.operation ?? null,
        parameters: e.operationParameters
          ? clip(JSON.stringify(e.operationParameters), o.format === 'table' ? 100 : Infinity)
          : null,
        readVersion: e.readVersion ?? null,
        engine: (e.engineInfo as string | undefined) ?? (e.clientVersion as string | undefined) ?? null,
      }));
      console.log(
        formatRows(
          ['version', 'timestamp', 'operation', 'parameters', 'readVersion', 'engine'],
          rows,
          o.format,
        ),
      );
    });
  table
    .command('optimize')
    .description('compact small files per partition (dataChange=false)')
    .argument('<path>', 'table directory')
    .option('--target-size-mb <n>', 'files below this size are compacted', '64')
    .action(async (path: string, o: { targetSizeMb: string }) => {
      const r = await (
        await DeltaTable.open(resolve(path))
      ).optimize({ targetSizeBytes: Number(o.targetSizeMb) * 1024 * 1024 });
      console.log(
        r.version === undefined
          ? 'nothing to optimize'
          : `version ${r.version}: ${r.filesRemoved} files → ${r.filesAdded} in ${r.partitionsOptimized} partitions`,
      );
    });
  table
    .command('vacuum')
    .description('delete files no longer referenced and older than the retention')
    .argument('<path>', 'table directory')
    .option('--retention-hours <h>', 'retention (default: the table property, 168 h)')
    .option('--force', 'allow a retention below 168 h')
    .option('--dry-run', 'list the files without deleting')
    .action(async (path: string, o: { retentionHours?: string; force?: boolean; dryRun?: boolean }) => {
      const r = await (
        await DeltaTable.open(resolve(path))
      ).vacuum({
        retentionHours: o.retentionHours === undefined ? undefined : Number(o.retentionHours),
        force: o.force,
        dryRun: o.dryRun,
      });
      for (const f of r.deleted) console.log(f);
      console.error(`${o.dryRun ? 'would delete' : 'deleted'} ${r.deleted.length} files`);
    });
  table
    .command('checkpoint')
    .description('write a checkpoint at the latest version')
    .argument('<path>', 'table directory')
    .action(async (path: string) => {
      const v = await (await DeltaTable.open(resolve(path))).checkpoint();
      console.log(`checkpoint at version ${v}`);
    });
}
