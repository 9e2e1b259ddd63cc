/**
 * Which days a backfill finished, persisted after every chunk (write to a temp file, fsync, rename),
 * so a crashed backfill resumes where it stopped. The Gold table's own Delta `txn` makes a repeated
 * day idempotent anyway; this file only saves re-running finished days.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

interface ProgressFile {
  finished: string[];
  updated_at?: string;
}

export class ProgressStore {
  private readonly done = new Set<string>();

  constructor(readonly file: string) {
    let text: string | undefined;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return; // first run
    }
    const parsed = JSON.parse(text) as ProgressFile;
    if (!Array.isArray(parsed.finished))
      throw new Error(`${file}: not a backfill progress file (no "finished" list)`);
    for (const d of parsed.finished) this.done.add(d);
  }

  has(day: string): boolean {
    return this.done.has(day);
  }

  get count(): number {
    return this.done.size;
  }

  /** Records finished days durably. */
  markFinished(days: readonly string[]): void {
    for (const d of days) this.done.add(d);
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(
        fd,
        JSON.stringify(
          { finished: [...this.done].sort(), updated_at: new Date().toISOString() } satisfies ProgressFile,
          null,
          1,
        ),
      );
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
  }
}
