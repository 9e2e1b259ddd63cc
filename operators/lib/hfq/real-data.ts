/** Reads the real recorded Tushare `daily` CSVs (shared read-only data) as fused-like rows, oldest first. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The real recorded Tushare bars shipped with the simulator (a copy of shared/data/tushare-daily). */
export const REAL_DATA_DIR =
  process.env.ARGUS_REAL_DATA ?? new URL('../../../sim/data/tushare-daily', import.meta.url).pathname;

export interface RealRow {
  symbol: string;
  trade_date: string;
  open: number;
  high: number;
  low: number;
  close: number;
  pre_close: number;
  /** Shares (Tushare vol is in 手). */
  volume: number;
  /** Yuan (Tushare amount is in 千元). */
  amount: number;
}

export function realSymbols(dir = REAL_DATA_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .map((f) => f.slice(0, -4))
    .sort();
}

export function readRealDaily(symbol: string, dir = REAL_DATA_DIR): RealRow[] {
  const [header, ...lines] = readFileSync(join(dir, `${symbol}.csv`), 'utf8')
    .trim()
    .split('\n');
  const cols = header.split(',');
  const at = (name: string) => {
    const i = cols.indexOf(name);
    if (i < 0) throw new Error(`${symbol}.csv has no column ${name}`);
    return i;
  };
  const idx = {
    d: at('trade_date'),
    o: at('open'),
    h: at('high'),
    l: at('low'),
    c: at('close'),
    p: at('pre_close'),
    v: at('vol'),
    a: at('amount'),
  };
  return lines
    .map((line) => {
      const f = line.split(',');
      const d = f[idx.d];
      return {
        symbol,
        trade_date: `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`,
        open: Number(f[idx.o]),
        high: Number(f[idx.h]),
        low: Number(f[idx.l]),
        close: Number(f[idx.c]),
        pre_close: Number(f[idx.p]),
        volume: Math.round(Number(f[idx.v]) * 100),
        amount: Number(f[idx.a]) * 1000,
      };
    })
    .reverse();
}
