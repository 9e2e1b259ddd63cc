/**
 * Iterates `source` but gives up when no item arrives within `ms`: aborts `abort` (the child's
 * signal) and throws a `TimeoutError`, so a source that hangs (QMT down: the agent answers only after
 * ~15 s, or never) counts as a timeout instead of blocking the pipeline.
 */
export async function* withStallTimeout<T>(
  source: AsyncIterable<T>,
  ms: number,
  abort: AbortController,
  what: string,
): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const stalled = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const err = new Error(`${what}: no data for ${ms} ms`);
          err.name = 'TimeoutError';
          abort.abort(err);
          reject(err);
        }, ms);
      });
      let r: IteratorResult<T>;
      try {
        r = await Promise.race([it.next(), stalled]);
      } finally {
        clearTimeout(timer);
      }
      if (r.done) return;
      yield r.value;
    }
  } finally {
    // Fire and forget: a hung child may never settle its return().
    void Promise.resolve(it.return?.()).catch(() => {});
  }
}
