/**
 * Picks the source to read from: the first one (in priority order) that is usable, or that is
 * probing and grants this caller the probe. Sources already tried in this read are skipped.
 *
 * @example
 * pickSource([qmt, tushare], new Set()) // → { index: 1, probe: false } while miniQMT is unavailable
 */
import type { SourceHealthLike } from './types.ts';

export interface Pick {
  index: number;
  /** True when this read is the probe of a recovering source. */
  probe: boolean;
}

export function pickSource(sources: readonly SourceHealthLike[], tried: ReadonlySet<number>): Pick | null {
  for (let i = 0; i < sources.length; i++) {
    if (tried.has(i)) continue;
    const h = sources[i];
    if (h.usable) return { index: i, probe: false };
    if (h.state === 'probing' && h.tryProbe()) return { index: i, probe: true };
  }
  return null;
}

/** One line per source for an "all sources unavailable" error. */
export function describeStates(sources: readonly SourceHealthLike[], now = Date.now()): string {
  return sources
    .map(
      (h) =>
        `${h.name} ${h.state} for ${Math.round((now - h.enteredAt) / 1000)} s${h.transitions.at(-1) ? ` (${h.transitions.at(-1)!.reason})` : ''}`,
    )
    .join('; ');
}
