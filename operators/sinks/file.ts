/**
 * `file` sink: appends records as JSON lines or CSV and fsyncs before acknowledging, so a batch is
 * acknowledged only once it is on disk.
 */
import { existsSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { defineOperator } from '../../engine/api/index.ts';
import { csvCell } from '../lib/formats/csv.ts';

interface Config {
  path: string;
  format?: 'jsonl' | 'csv';
  columns?: string[];
}

export default defineOperator<Config>({
  type: 'file',
  role: 'sink',
  description: 'Appends records to a JSON-lines or CSV file; acknowledges after fsync.',
  configSchema: {
    type: 'object',
    required: ['path'],
    additionalProperties: false,
    properties: {
      path: { type: 'string', description: 'Relative to the project root.' },
      format: { enum: ['jsonl', 'csv'], description: 'Default: from the extension.' },
      columns: {
        type: 'array',
        items: { type: 'string' },
        description: 'CSV columns (default: keys of the first record).',
      },
    },
  },
  examples: [{ title: 'Keep the output', config: { path: 'out/numbers.jsonl' } }],
  create(config, ctx) {
    const path = resolve(ctx.paths.root, config.path);
    const csv = (config.format ?? (path.endsWith('.csv') ? 'csv' : 'jsonl')) === 'csv';
    let columns = config.columns;
    return {
      kind: 'sink',
      async write(batch) {
        if (batch.records.length === 0) return;
        await mkdir(dirname(path), { recursive: true });
        let text = '';
        if (csv) {
          const fresh = !existsSync(path);
          columns ??= Object.keys(batch.records[0]);
          if (fresh) text += columns.map(csvCell).join(',') + '\n';
          text += batch.records.map((r) => columns!.map((c) => csvCell(r[c])).join(',')).join('\n') + '\n';
        } else {
          text =
            batch.records
              .map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)))
              .join('\n') + '\n';
        }
        const fh = await open(path, 'a');
        try {
          await fh.write(text);
          await fh.sync();
        } finally {
          await fh.close();
        }
      },
    };
  },
});
