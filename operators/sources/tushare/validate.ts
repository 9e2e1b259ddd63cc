/**
 * Row validation for source responses: field types per dataset (numbers as numbers or null,
 * `YYYYMMDD` dates, A-share codes), required keys and duplicates within one response. Bad rows
 * are returned with their reason so the source can dead-letter them; nothing is dropped silently.
 *
 * @example
 * const { good, bad } = validateRows(rows, TUSHARE_SCHEMAS.daily);
 * bad[0]?.reason; // 'field "close": expected a number or null, got string "12.3x"'
 */

export type FieldType = 'number' | 'string' | 'date' | 'symbol' | 'integer';

export interface RowSchema {
  types: Record<string, FieldType>;
  /** Fields that must be present and non-null. */
  required: readonly string[];
  /** Fields forming the row's identity within a response (duplicates are rejected). */
  key: readonly string[];
}

export interface BadRow {
  row: Record<string, unknown>;
  reason: string;
}

const SYMBOL = /^[03468]\d{5}\.(SH|SZ|BJ)$/;

export function isYmd(v: string): boolean {
  if (!/^\d{8}$/.test(v)) return false;
  const d = new Date(Date.UTC(+v.slice(0, 4), +v.slice(4, 6) - 1, +v.slice(6, 8)));
  return (
    d.getUTCFullYear() === +v.slice(0, 4) &&
    d.getUTCMonth() + 1 === +v.slice(4, 6) &&
    d.getUTCDate() === +v.slice(6, 8)
  );
}

/** Why `row` does not fit `schema`, or undefined when it does. */
export function checkRow(row: Record<string, unknown>, schema: RowSchema): string | undefined {
  for (const f of schema.required)
    if (row[f] === undefined || row[f] === null) return `required field "${f}" is missing`;
  for (const [f, t] of Object.entries(schema.types)) {
    const v = row[f];
    if (v === undefined || v === null) continue;
    const bad = (what: string) => `field "${f}": expected ${what}, got ${typeof v} ${JSON.stringify(v)}`;
    if (t === 'number' && !(typeof v === 'number' && Number.isFinite(v))) return bad('a number or null');
    if (t === 'integer' && !(typeof v === 'number' && Number.isInteger(v))) return bad('an integer or null');
    if (t === 'string' && typeof v !== 'string') return bad('a string or null');
    if (t === 'date' && !(typeof v === 'string' && isYmd(v))) return bad('a date YYYYMMDD');
    if (t === 'symbol' && !(typeof v === 'string' && SYMBOL.test(v)))
      return bad('an A-share code like 600519.SH');
  }
  return undefined;
}

/** Splits rows into valid ones and rejected ones (with reasons); later duplicates are rejected. */
export function validateRows(
  rows: readonly Record<string, unknown>[],
  schema: RowSchema | undefined,
): { good: Record<string, unknown>[]; bad: BadRow[] } {
  const good: Record<string, unknown>[] = [];
  const bad: BadRow[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const reason =
      !row || typeof row !== 'object' || Array.isArray(row)
        ? `row is not an object: ${JSON.stringify(row)}`
        : schema
          ? checkRow(row, schema)
          : undefined;
    if (reason) {
      bad.push({ row, reason });
      continue;
    }
    const key = JSON.stringify(schema && schema.key.length ? schema.key.map((k) => row[k]) : row);
    if (seen.has(key)) {
      bad.push({
        row,
        reason: `duplicate row for ${schema?.key.length ? schema.key.map((k) => `${k}=${row[k]}`).join(', ') : 'identical content'}`,
      });
      continue;
    }
    seen.add(key);
    good.push(row);
  }
  return { good, bad };
}

const num = (...names: string[]) => Object.fromEntries(names.map((n) => [n, 'number' as const]));

/** Schemas of the Tushare datasets (fields as Tushare names them). */
export const TUSHARE_SCHEMAS: Record<string, RowSchema> = {
  daily: {
    types: {
      ts_code: 'symbol',
      trade_date: 'date',
      ...num('open', 'high', 'low', 'close', 'pre_close', 'change', 'pct_chg', 'vol', 'amount'),
    },
    required: ['ts_code', 'trade_date'],
    key: ['ts_code', 'trade_date'],
  },
  adj_factor: {
    types: { ts_code: 'symbol', trade_date: 'date', adj_factor: 'number' },
    required: ['ts_code', 'trade_date'],
    key: ['ts_code', 'trade_date'],
  },
  daily_basic: {
    types: {
      ts_code: 'symbol',
      trade_date: 'date',
      ...num(
        'close',
        'turnover_rate',
        'turnover_rate_f',
        'volume_ratio',
        'pe',
        'pe_ttm',
        'pb',
        'ps',
        'ps_ttm',
        'dv_ratio',
        'dv_ttm',
        'total_share',
        'float_share',
        'free_share',
        'total_mv',
        'circ_mv',
      ),
    },
    required: ['ts_code', 'trade_date'],
    key: ['ts_code', 'trade_date'],
  },
  dividend: {
    types: {
      ts_code: 'symbol',
      end_date: 'date',
      ann_date: 'date',
      div_proc: 'string',
      ...num('stk_div', 'stk_bo_rate', 'stk_co_rate', 'cash_div', 'cash_div_tax'),
      record_date: 'date',
      ex_date: 'date',
      pay_date: 'date',
      div_listdate: 'date',
      imp_ann_date: 'date',
    },
    required: ['ts_code'],
    key: [],
  },
  stock_basic: {
    types: {
      ts_code: 'symbol',
      symbol: 'string',
      name: 'string',
      list_date: 'date',
      delist_date: 'date',
      list_status: 'string',
    },
    required: ['ts_code'],
    key: ['ts_code'],
  },
  trade_cal: {
    types: { exchange: 'string', cal_date: 'date', is_open: 'integer', pretrade_date: 'date' },
    required: ['cal_date'],
    key: ['exchange', 'cal_date'],
  },
  report_rc: {
    types: {
      ts_code: 'symbol',
      report_date: 'date',
      org_name: 'string',
      rating: 'string',
      ...num('tp', 'eps', 'max_price', 'min_price'),
    },
    required: ['ts_code', 'report_date'],
    key: [],
  },
};
