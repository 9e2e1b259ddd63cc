/**
 * The backfill loop: the pending trading days in chunks, each chunk run by `runChunk` (the Gold
 * pipeline over that date range) and recorded as finished only after it returned, i.e. after the
 * Gold commits were durable. A failure stops the loop; the next run resumes at the failed chunk.
 */
import type { ProgressStore } from './progress.ts';

export interface BackfillPlan {
  days: string[];
  pending: string[];
  chunks: string[][];
}

export function planBackfill(
  days: readonly string[],
  store: Pick<ProgressStore, 'has'>,
  chunkDays: number,
): BackfillPlan {
  if (!(chunkDays >= 1)) throw new Error(`chunk size must be ≥ 1 day, got ${chunkDays}`);
  const pending = days.filter((d) => !store.has(d));
  const chunks: string[][] = [];
  for (let i = 0; i < pending.length; i += chunkDays) chunks.push(pending.slice(i, i + chunkDays));
  return { days: [...days], pending, chunks };
}

export interface ChunkResult {
  /** Rows written (for rows/s); optional. */
  rows?: number;
}

export interface BackfillEvents {
  onChunkDone?(
    chunk: readonly string[],
    result: ChunkResult,
    totals: { days: number; rows: number; ms: number },
  ): void;
}

export async function runBackfill(
  plan: BackfillPlan,
  store: Pick<ProgressStore, 'markFinished'>,
  runChunk: (days: readonly string[]) => Promise<ChunkResult>,
  events: BackfillEvents = {},
): Promise<{ days: number; rows: number; ms: number }> {
  const started = Date.now();
  const totals = { days: 0, rows: 0, ms: 0 };
  for (const chunk of plan.chunks) {
    const result = await runChunk(chunk);
    store.markFinished(chunk);
    totals.days += chunk.length;
    totals.rows += result.rows ?? 0;
    totals.ms = Date.now() - started;
    events.onChunkDone?.(chunk, result, totals);
  }
  totals.ms = Date.now() - started;
  return totals;
}
