import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { DeltaTable } from '../../lake/index.ts';
import { registerTableCommands } from './table.ts';
import { formatRows, queryTable, registerQueryCommand } from './query.ts';

const dir = mkdtempSync(join(tmpdir(), 'argus-table-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCHEMA = `apiVersion: argus/v1
kind: TableSchema
metadata: {name: gold.demo, version: 3}
spec:
  table: gold/demo
  partitionBy: [trade_date]
  properties: {delta.checkpointInterval: "5"}
  columns:
    - {name: trade_date, type: date, nullable: false, description: "day"}
    - {name: symbol, type: string, nullable: false}
    - {name: close, type: "decimal(18,4)", nullable: false, rules: [{gt: 0}]}
    - {name: seen_at, type: timestamp, nullable: true}
`;

async function cli(...args: string[]): Promise<string> {
  const out: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const errLog = vi.spyOn(console, 'error').mockImplementation(() => {});
  try {
    const p = new Command('argus').exitOverride();
    registerTableCommands(p);
    registerQueryCommand(p);
    await p.parseAsync(['node', 'argus', ...args]);
  } finally {
    log.mockRestore();
    write.mockRestore();
    err.mockRestore();
    errLog.mockRestore();
  }
  return out.join('\n');
}

describe('argus table / argus query', () => {
  const path = join(dir, 'demo');
  const schemaFile = join(dir, 'demo.yaml');
  writeFileSync(schemaFile, SCHEMA);

  it('creates a table from a TableSchema file and records its name/version', async () => {
    expect(await cli('table', 'create', path, '--schema', schemaFile)).toMatch(
      /created .* \(version 0, 4 columns\)/,
    );
    const t = await DeltaTable.open(path);
    const s = await t.schema();
    expect(s.partitionColumns).toEqual(['trade_date']);
    expect(s.configuration).toMatchObject({
      'argus.schema.name': 'gold.demo',
      'argus.schema.version': '3',
      'delta.checkpointInterval': '5',
    });
    expect(s.fields.find((f) => f.name === 'trade_date')?.metadata).toEqual({ comment: 'day' });
    await expect(cli('table', 'create', path, '--schema', schemaFile)).rejects.toThrow(/already exists/);
  });

  it('rejects an invalid TableSchema with every problem listed', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      SCHEMA.replace('type: date', 'type: datum').replace('partitionBy: [trade_date]', 'partitionBy: [nope]'),
    );
    await expect(cli('table', 'create', join(dir, 'bad'), '--schema', bad)).rejects.toThrow(
      /columns\/0\/type[\s\S]*must match pattern/,
    );
    writeFileSync(bad, SCHEMA.replace('partitionBy: [trade_date]', 'partitionBy: [nope]'));
    await expect(cli('table', 'create', join(dir, 'bad'), '--schema', bad)).rejects.toThrow(
      /partitionBy\/0: partition column 'nope' is not a column/,
    );
  });

  it('queries snapshots by version with partition values from the log, in three formats', async () => {
    const t = await DeltaTable.open(path);
    await t.append([
      { trade_date: '2024-01-02', symbol: 'a/b', close: '1.5', seen_at: new Date('2024-01-02T07:00:00Z') },
      { trade_date: '2024-01-03', symbol: 'c', close: 2 },
    ]);
    await t.append([{ trade_date: '2024-01-03', symbol: 'd', close: 3.25 }]);
    const all = await queryTable(path, {
      sql: "SELECT trade_date::VARCHAR AS d, symbol, close::VARCHAR AS close, strftime(seen_at, '%Y-%m-%dT%H:%M:%S') AS seen FROM t ORDER BY symbol",
    });
    expect(all.version).toBe(2);
    expect(all.rows).toEqual([
      { d: '2024-01-02', symbol: 'a/b', close: '1.5000', seen: '2024-01-02T07:00:00' },
      { d: '2024-01-03', symbol: 'c', close: '2.0000', seen: null },
      { d: '2024-01-03', symbol: 'd', close: '3.2500', seen: null },
    ]);
    expect((await queryTable(path, { version: 1, sql: 'SELECT count(*)::INT AS n FROM t' })).rows).toEqual([
      { n: 2 },
    ]);
    const csv = await cli(
      'query',
      path,
      '--sql',
      "SELECT symbol, close FROM t WHERE trade_date = DATE '2024-01-03' ORDER BY symbol",
      '--format',
      'csv',
    );
    expect(csv.trim().split('\n')).toEqual(['symbol,close', 'c,2.0000', 'd,3.2500']);
    const json = JSON.parse(
      await cli(
        'query',
        path,
        '--version',
        '1',
        '--sql',
        'SELECT symbol FROM t ORDER BY 1',
        '--format',
        'json',
      ),
    );
    expect(json).toEqual([{ symbol: 'a/b' }, { symbol: 'c' }]);
    expect(formatRows(['a'], [{ a: null }], 'table')).toContain('NULL');
  });

  it('history, optimize, vacuum and checkpoint', async () => {
    const hist = await cli('table', 'history', path, '--format', 'json');
    expect(JSON.parse(hist).map((h: { version: number }) => h.version)).toEqual([2, 1, 0]);
    expect(await cli('table', 'optimize', path)).toMatch(/version 3: 2 files → 1 in 1 partitions/);
    const t = await DeltaTable.open(path);
    expect(await t.read()).toHaveLength(3);
    expect((await t.files()).length).toBe(2);
    await expect(cli('table', 'vacuum', path, '--retention-hours', '0')).rejects.toThrow(/below 168 h/);
    await cli('table', 'vacuum', path, '--retention-hours', '0', '--force');
    expect(await t.read()).toHaveLength(3); // live files kept
    // The two compacted-away files are gone, so time travel before the optimize no longer works.
    await expect(t.read({ version: 2 })).rejects.toThrow(/ENOENT/);
    expect(await cli('table', 'checkpoint', path)).toMatch(/checkpoint at version 3/);
  });
});
