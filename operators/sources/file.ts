/**
 * `file` source: reads CSV (header row) or JSON lines, in batches. A line that cannot be parsed
 * goes to the `error` port with its line number and reason; the rest of the file still flows.
 */
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { defineOperator, type Emission, type Rec } from '../../engine/api/index.ts';
import { inferValue, parseCsvLine } from '../lib/formats/csv.ts';

interface Config {
  path: string;
  format?: 'csv' | 'jsonl';
  batch_size?: number;
  infer_types?: boolean;
}

export default defineOperator<Config>({
  type: 'file',
  role: 'source',
  description: 'Reads records from a CSV file (with header) or a JSON-lines file.',
  configSchema: {
    type: 'object',
    required: ['path'],
    additionalProperties: false,
    properties: {
      path: { type: 'string', description: 'File path, relative to the project root.' },
      format: {
        enum: ['csv', 'jsonl'],
        description: 'Default: from the extension (.csv → csv, else jsonl).',
      },
      batch_size: { type: 'integer', minimum: 1, default: 1000 },
      infer_types: {
        type: 'boolean',
        default: true,
        description: 'CSV: numbers become numbers, empty cells null.',
      },
    },
  },
  examples: [{ title: 'Real Tushare daily bars', config: { path: 'sim/data/tushare-daily/600519.SH.csv' } }],
  create(config, ctx) {
    const path = resolve(ctx.paths.root, config.path);
    const csv = (config.format ?? (path.endsWith('.csv') ? 'csv' : 'jsonl')) === 'csv';
    const size = config.batch_size ?? 1000;
    const infer = config.infer_types ?? true;
    return {
      kind: 'source',
      async *read(signal): AsyncIterable<Emission> {
        const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
        let header: string[] | undefined;
        let good: Rec[] = [];
        let bad: Rec[] = [];
        let n = 0;
        for await (const line of lines) {
          n++;
          if (signal.aborted) break;
          if (line.trim() === '') continue;
          try {
            if (csv && !header) {
              header = parseCsvLine(line);
              continue;
            }
            good.push(csv ? toRecord(header!, parseCsvLine(line), infer) : parseJson(line));
          } catch (err) {
            bad.push({
              node: ctx.node,
              reason: `${config.path}:${n}: ${(err as Error).message}`,
              at: new Date().toISOString(),
              record: { line },
            });
          }
          if (bad.length) yield { records: bad.splice(0), port: 'error' };
          if (good.length >= size) yield { records: good.splice(0), meta: { file: config.path, line: n } };
        }
        lines.close();
        if (good.length) yield { records: good, meta: { file: config.path, line: n } };
        good = [];
        bad = [];
      },
    };
  },
});

function toRecord(header: string[], cells: string[], infer: boolean): Rec {
  if (cells.length !== header.length)
    throw new Error(`expected ${header.length} columns, got ${cells.length}`);
  const r: Rec = {};
  header.forEach((h, i) => (r[h] = infer ? inferValue(cells[i]) : cells[i]));
  return r;
}

function parseJson(line: string): Rec {
  const v = JSON.parse(line);
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('expected a JSON object per line');
  return v as Rec;
}
