/**
 * Hot reload: chokidar only signals (debounced); the engine re-reads, validates and compiles. An
 * invalid change keeps the running graph and reports every error with its location; a valid one
 * swaps only the nodes that changed.
 */
import chokidar from 'chokidar';
import type { Engine, ReloadResult } from '../runtime/engine.ts';

export interface Watcher {
  close(): Promise<void>;
}

export function watchAndReload(
  engine: Engine,
  paths: string[],
  onResult: (r: ReloadResult) => void,
  debounceMs = 200,
): Watcher {
  const watcher = chokidar.watch(paths, {
    ignoreInitial: true,
    ignored: (p) => /(^|\/)(\.|node_modules|generated)/.test(p.replace(engine.env.root, '')),
  });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const trigger = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      // Reloads run one at a time, in the order of the changes.
      running = running.then(async () => onResult(await engine.reload(paths)));
    }, debounceMs);
  };
  watcher.on('all', (_event, path) => {
    if (/\.ya?ml$/.test(path)) trigger();
  });
  return {
    async close() {
      clearTimeout(timer);
      await watcher.close();
      await running;
    },
  };
}
