/** Background daemons: detached start with output to a log file, readiness waits, stop by pid. */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { tail } from './exec.ts';

export interface DaemonOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  log: string;
  /** Truncate the log first (fresh start) instead of appending (restart). */
  truncateLog?: boolean;
  /** Discard stdout (only stderr goes to the log), for servers whose banner prints a credential. */
  discardStdout?: boolean;
}

export interface Daemon {
  pid: number;
  /** Byte offset in the log where this run's output begins. */
  logOffset: number;
}

/**
 * Starts a process that outlives this one (detached, own process group, stdio to `log`).
 * @example const d = spawnDaemon('redis-server', ['--port', '7000'], { log: logFile('redis') });
 */
export function spawnDaemon(cmd: string, args: string[], opts: DaemonOptions): Daemon {
  const fd = openSync(opts.log, opts.truncateLog ? 'w' : 'a');
  const logOffset = statSync(opts.log).size;
  try {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      detached: true,
      stdio: ['ignore', opts.discardStdout ? 'ignore' : fd, fd],
    });
    if (child.pid === undefined) throw new Error(`cannot start ${cmd} (see ${opts.log})`);
    child.on('error', () => undefined); // reported through the readiness wait instead
    child.unref();
    return { pid: child.pid, logOffset };
  } finally {
    closeSync(fd);
  }
}

/** True when `pid` runs and (if given) its command line contains `match` (guards against pid reuse). */
export function isAlive(pid: number | undefined, match?: string): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = `/proc/${pid}/stat`;
  if (existsSync(stat) && /\) Z /.test(readFileSync(stat, 'utf8'))) return false; // zombie
  if (!match) return true;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(match);
  } catch {
    return false;
  }
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function portOpen(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((res) => {
    const s = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      s.destroy();
      res(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

export interface ReadyOptions {
  name: string;
  daemon: Daemon;
  log: string;
  port?: number;
  /** A line the service prints once it serves (searched from this run's log offset). */
  logLine?: RegExp;
  /** Any extra probe (e.g. an HTTP health check). */
  probe?: () => Promise<boolean>;
  timeoutMs?: number;
}

/** Waits until the daemon serves; throws (naming the service and quoting its log) if it dies or times out. */
export async function waitReady(o: ReadyOptions): Promise<void> {
  const deadline = Date.now() + (o.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (!isAlive(o.daemon.pid)) {
      throw new Error(
        `${o.name} exited during startup; last lines of ${o.log}:\n${tail(o.log, 25, o.daemon.logOffset)}`,
      );
    }
    let ok = true;
    if (ok && o.logLine)
      ok = o.logLine.test(existsSync(o.log) ? readFileSync(o.log, 'utf8').slice(o.daemon.logOffset) : '');
    if (ok && o.port) ok = await portOpen(o.port);
    if (ok && o.probe) ok = await o.probe().catch(() => false);
    if (ok) return;
    await sleep(100);
  }
  throw new Error(
    `${o.name} did not become ready within ${(o.timeoutMs ?? 60_000) / 1000}s; last lines of ${o.log}:\n${tail(o.log, 25, o.daemon.logOffset)}`,
  );
}

/**
 * Stops a daemon: SIGTERM to its process group, then SIGKILL after `graceMs`. Resolves once it is gone.
 * @example await stopPid(state.pid, 'kafka.Kafka');
 */
export async function stopPid(pid: number, match?: string, graceMs = 15_000): Promise<void> {
  if (!isAlive(pid, match)) return;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig); // the whole group: wrappers (bao's python shim) and their children
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return;
    await sleep(100);
  }
  signal('SIGKILL');
  while (isAlive(pid)) await sleep(50);
}
