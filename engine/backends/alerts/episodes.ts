/**
 * Episode state: which alert keys are firing, since when. Persisted as one small JSON file (when
 * a directory is given) so a restart or hot reload neither re-fires an open episode nor forgets
 * to resolve it. Writes go to a temp file then rename, so a crash leaves the old or the new state.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AlertEvent, AlertSignal } from './types.ts';

/** Stable id of name + labels (label order does not matter). */
export function fingerprint(name: string, labels: Record<string, string> = {}): string {
  const canonical = JSON.stringify([
    name,
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  ]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

export class EpisodeStore {
  private firing = new Map<string, AlertEvent>();
  private past: AlertEvent[] = [];

  constructor(
    private readonly dir?: string,
    private readonly historyLimit = 1000,
  ) {
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    const state = join(dir, 'episodes.json');
    if (existsSync(state))
      for (const e of JSON.parse(readFileSync(state, 'utf8')) as AlertEvent[])
        this.firing.set(e.fingerprint, e);
    const hist = join(dir, 'history.jsonl');
    if (existsSync(hist))
      this.past = readFileSync(hist, 'utf8')
        .split('\n')
        .filter(Boolean)
        .slice(-historyLimit)
        .map((l) => JSON.parse(l) as AlertEvent);
  }

  /** The transition a signal causes (not yet applied), or null when nothing changes. */
  transition(s: AlertSignal, now = new Date()): AlertEvent | null {
    const labels = s.labels ?? {};
    const fp = fingerprint(s.name, labels);
    const open = this.firing.get(fp);
    const annotations = s.annotations ?? {};
    if (s.active && !open)
      return {
        fingerprint: fp,
        status: 'firing',
        name: s.name,
        severity: s.severity,
        labels,
        annotations,
        startsAt: now.toISOString(),
      };
    // A resolution keeps the firing text (what happened) and adds what the resolving report said.
    if (!s.active && open)
      return {
        ...open,
        annotations: {
          ...open.annotations,
          ...(annotations.summary ? { resolution: annotations.summary } : {}),
        },
        status: 'resolved',
        endsAt: now.toISOString(),
      };
    return null;
  }

  /** Records a delivered transition. */
  apply(e: AlertEvent): void {
    if (e.status === 'firing') this.firing.set(e.fingerprint, e);
    else this.firing.delete(e.fingerprint);
    this.past.push(e);
    if (this.past.length > this.historyLimit) this.past.splice(0, this.past.length - this.historyLimit);
    if (!this.dir) return;
    const tmp = join(this.dir, `episodes.json.${process.pid}.tmp`);
    writeFileSync(tmp, JSON.stringify([...this.firing.values()]));
    renameSync(tmp, join(this.dir, 'episodes.json'));
    appendFileSync(join(this.dir, 'history.jsonl'), JSON.stringify(e) + '\n');
  }

  active(): AlertEvent[] {
    return [...this.firing.values()];
  }

  history(): AlertEvent[] {
    return [...this.past];
  }
}
