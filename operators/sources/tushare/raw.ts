/**
 * The source-neutral raw record both collectors emit (one per API response, or per symbol of a
 * batched response), and the dead-letter record for what could not be parsed or validated.
 *
 * @example
 * rawRecord('tushare', 'daily', null, { trade_date: '20241231' }, '2025-01-01T08:00:00.000Z', rows);
 */
import type { Rec } from '../../../engine/api/index.ts';

export interface RawRecord extends Rec {
  source: 'qmt' | 'tushare';
  dataset: string;
  /** null for whole-market payloads. */
  symbol: string | null;
  /** Request parameters (never the token or API key). */
  params: Record<string, unknown>;
  fetched_at: string;
  rows: Record<string, unknown>[];
}

export function rawRecord(
  source: RawRecord['source'],
  dataset: string,
  symbol: string | null,
  params: Record<string, unknown>,
  fetchedAt: string,
  rows: Record<string, unknown>[],
): RawRecord {
  return { source, dataset, symbol, params, fetched_at: fetchedAt, rows };
}

/** A dead-letter record (the engine's error-record shape) with the request it came from. */
export function deadLetter(
  node: string,
  reason: string,
  record: Partial<RawRecord> & Rec,
  extra: Rec = {},
): Rec {
  return { node, reason, at: new Date().toISOString(), record, ...extra };
}

/** Port name on which sources emit dead letters (emission `meta.port`). */
export const ERROR_PORT = 'error';
