/**
 * `raw_event`: the standard raw event (schemas/events/raw-event.v1.json).
 *
 * - `mode: wrap` (collect): a collector's source-neutral record `{source, dataset, symbol, params,
 *   fetched_at, rows}` becomes an event with a ULID, schema_version, scope, trade dates (from the
 *   rows' date fields) and a trace id, then is validated.
 * - `mode: validate` (Bronze): checks events read from the bus.
 *
 * A record that fails goes to the `error` port with the schema errors as its reason (the
 * pipelines route it to `raw_data_dlq`).
 *
 * @example
 * - id: wrap
 *   type: raw_event
 *   inputs: [qmt, tushare]
 *   config: {mode: wrap}
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { monotonicFactory } from 'ulid';
import { defineOperator, type Rec, type RecordTransform } from '../../engine/api/index.ts';
import { toIsoDate } from '../lib/normalize/dates.ts';

export interface RawEventConfig {
  mode?: 'wrap' | 'validate';
  /** The JSON Schema file, relative to the project root. */
  schema?: string;
  /** Row fields that hold the trade date, first present wins. */
  date_fields?: string[];
}

const DEFAULT_SCHEMA = 'schemas/events/raw-event.v1.json';
const TRACE = /^[0-9a-f]{32}$/;

/**
 * A random 32-hex-digit trace id. From randomUUID (Node serves it from a cached entropy pool)
 * rather than randomBytes(16), a synchronous entropy call per event at collection.
 */
function newTraceId(): string {
  return randomUUID().replaceAll('-', '');
}

const validators = new Map<string, ValidateFunction>();

function validator(path: string): ValidateFunction {
  let v = validators.get(path);
  if (!v) {
    const ajv = new Ajv2020({ allErrors: true, strict: false, allowUnionTypes: true });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    v = ajv.compile(JSON.parse(readFileSync(path, 'utf8')));
    validators.set(path, v);
  }
  return v;
}

const isoCache = new Map<unknown, string>();

/** toIsoDate, cached: the rows of a response repeat few dates. */
function isoDate(v: unknown): string {
  let d = isoCache.get(v);
  if (d === undefined) {
    d = toIsoDate(v);
    if (isoCache.size > 50_000) isoCache.clear();
    isoCache.set(v, d);
  }
  return d;
}

/** The distinct ISO dates of the rows (unparseable dates are left for Bronze to reject). */
export function tradeDates(rows: readonly unknown[], fields: readonly string[]): string[] {
  const out = new Set<string>();
  let prev: unknown;
  for (const row of rows) {
    if (!row || typeof row !== 'object') continue;
    // A plain loop, not fields.find(closure): this runs once per source row at collection.
    let v: unknown;
    for (let i = 0; i < fields.length && (v === undefined || v === null || v === ''); i++)
      v = (row as Rec)[fields[i]];
    if (v === undefined || v === null || v === '' || v === prev) continue; // rows repeat their date
    prev = v;
    try {
      out.add(isoDate(v));
    } catch {
      // Bronze rejects the row with the reason; the event itself is still well-formed.
    }
  }
  return [...out].sort();
}

export default defineOperator<RawEventConfig>({
  type: 'raw_event',
  role: 'transform',
  description:
    'Wraps collector responses into the versioned raw event (ULID, trace id, trade dates) or validates events; failures go to `error` with the reason.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      mode: { enum: ['wrap', 'validate'], default: 'wrap' },
      schema: {
        type: 'string',
        default: DEFAULT_SCHEMA,
        description: 'JSON Schema of the event, relative to the project root.',
      },
      date_fields: {
        type: 'array',
        items: { type: 'string' },
        default: ['trade_date', 'date', 'cal_date', 'time'],
      },
    },
  },
  examples: [
    {
      title: 'Wrap a Tushare daily response',
      config: { mode: 'wrap' },
      input: [
        {
          source: 'tushare',
          dataset: 'daily',
          symbol: '600519.SH',
          params: { ts_code: '600519.SH' },
          fetched_at: '2024-12-31T08:00:00.000Z',
          rows: [{ ts_code: '600519.SH', trade_date: '20241231', close: 1524 }],
        },
      ],
    },
  ],
  create(config, ctx): RecordTransform {
    const mode = config.mode ?? 'wrap';
    const schemaPath = isAbsolute(config.schema ?? DEFAULT_SCHEMA)
      ? config.schema!
      : join(ctx.paths.root, config.schema ?? DEFAULT_SCHEMA);
    const dateFields = config.date_fields ?? ['trade_date', 'date', 'cal_date', 'time'];
    const nextId = monotonicFactory();
    const check = (event: Rec): Rec => {
      const validate = validator(schemaPath);
      if (!validate(event)) {
        const why = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
        throw new Error(`raw event fails ${config.schema ?? DEFAULT_SCHEMA}: ${why}`);
      }
      return event;
    };
    return {
      kind: 'record',
      process(rec) {
        if (mode === 'validate') {
          if (typeof rec._decode_error === 'string') throw new Error(rec._decode_error);
          return check(rec);
        }
        const rows = rec.rows;
        const symbol = rec.symbol === undefined || rec.symbol === '' ? null : rec.symbol;
        return check({
          id: nextId(),
          schema_version: 1,
          source: rec.source,
          dataset: rec.dataset,
          scope: symbol === null ? 'market' : 'symbol',
          symbol,
          trade_dates: Array.isArray(rows) ? tradeDates(rows, dateFields) : [],
          params: rec.params ?? {},
          fetched_at: rec.fetched_at,
          trace_id:
            typeof rec.trace_id === 'string' && TRACE.test(rec.trace_id) ? rec.trace_id : newTraceId(),
          rows,
        });
      },
    };
  },
});
