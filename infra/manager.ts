/**
 * Installs, starts, stops and reports the provisioned services, keeping each one's state in
 * `.argus/run/<name>.json` and its output in `.argus/logs/<name>.log`. Used by the CLI
 * (`npm run services -- up kafka`), the integration tests' global setup and test helpers.
 *
 * @example
 * const { records, started } = await upServices(['kafka']);
 * console.log(records.kafka.endpoint.brokers);   // ['127.0.0.1:41234']
 * await downServices(started);
 */
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceContext, ServiceDefinition, ServiceRecord } from './service.ts';
import { argusDir, logDir, logFile } from './lib/paths.ts';
import { withLock } from './lib/lock.ts';
import { isAlive, stopPid } from './lib/process.ts';
import { readState, removeState, writeState } from './lib/state.ts';
import { SERVICES } from './services/index.ts';

export type Progress = (msg: string) => void;
const quiet: Progress = () => undefined;

export function serviceNames(): string[] {
  return SERVICES.map((s) => s.name);
}

export function getService(name: string): ServiceDefinition {
  const s = SERVICES.find((d) => d.name === name);
  if (!s) throw new Error(`unknown service "${name}"; known: ${serviceNames().join(', ')}`);
  return s;
}

/** `names` plus everything they require, dependencies first; all services when `names` is empty. */
export function resolveOrder(names: string[]): ServiceDefinition[] {
  const out: ServiceDefinition[] = [];
  const visit = (n: string) => {
    const s = getService(n);
    if (out.includes(s)) return;
    for (const r of s.requires ?? []) visit(r);
    out.push(s);
  };
  for (const n of names.length ? names : serviceNames()) visit(n);
  return out;
}

function ctxFor(s: ServiceDefinition, progress: Progress): ServiceContext {
  logDir();
  return { log: logFile(s.name), progress: (m) => progress(`${s.name}: ${m}`) };
}

/** Installs what is missing (idempotent; fast when everything is there). */
export async function installServices(names: string[] = [], progress: Progress = quiet): Promise<void> {
  for (const s of resolveOrder(names)) {
    if (await s.installed()) continue;
    await withLock(`install-${s.name}`, async () => {
      if (await s.installed()) return; // another process installed it while we waited
      const t0 = Date.now();
      progress(`${s.name}: installing ${s.description}`);
      await s.install(ctxFor(s, progress));
      if (!(await s.installed()))
        throw new Error(
          `${s.name}: install finished but the install check still fails; see ${logFile(s.name)}`,
        );
      progress(`${s.name}: installed in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    });
  }
}

/** The record of a running service, or undefined if there is none or it no longer answers. */
export async function liveRecord(name: string): Promise<ServiceRecord | undefined> {
  const rec = readState(name);
  if (!rec) return undefined;
  if (rec.pid && !isAlive(rec.pid, rec.match)) return undefined;
  return (await getService(name)
    .check(rec)
    .catch(() => false))
    ? rec
    : undefined;
}

async function startOne(
  s: ServiceDefinition,
  progress: Progress,
  previous?: ServiceRecord,
): Promise<ServiceRecord> {
  const t0 = Date.now();
  const started = await s.start({ ...ctxFor(s, progress), previous });
  const rec: ServiceRecord = { name: s.name, ...started, startedAt: new Date().toISOString() };
  if (previous?.data?.autoStarted) rec.data = { ...rec.data, autoStarted: true }; // a restart keeps ownership
  writeState(rec);
  if (rec.pid)
    progress(
      `${s.name}: up on port ${rec.port} (pid ${rec.pid}) in ${((Date.now() - t0) / 1000).toFixed(1)}s`,
    );
  return rec;
}

/**
 * Installs if needed and starts the named services (all when empty), reusing running ones.
 * Returns every record and the names this call started (so a caller stops only those).
 */
export async function upServices(
  names: string[] = [],
  progress: Progress = quiet,
): Promise<{ records: Record<string, ServiceRecord>; started: string[] }> {
  await installServices(names, progress);
  const records: Record<string, ServiceRecord> = {};
  const started: string[] = [];
  for (const s of resolveOrder(names)) {
    await withLock(`run-${s.name}`, async () => {
      const live = await liveRecord(s.name);
      if (live) {
        records[s.name] = live;
        return;
      }
      const stale = readState(s.name);
      if (stale?.pid) await stopPid(stale.pid, stale.match, 5_000); // half-dead leftovers
      removeState(s.name);
      records[s.name] = await startOne(s, progress);
      started.push(s.name);
    });
  }
  return { records, started };
}

/** Stops the named services (all when empty) and removes their state files. */
export async function downServices(names: string[] = [], progress: Progress = quiet): Promise<void> {
  for (const s of resolveOrder(names).reverse()) {
    if (names.length && !names.includes(s.name)) continue; // do not stop dependencies not asked for
    const rec = readState(s.name);
    if (!rec) continue;
    if (rec.pid) await stopPid(rec.pid, rec.match);
    await s.stop?.(rec, ctxFor(s, progress));
    removeState(s.name);
    if (rec.pid) progress(`${s.name}: stopped`);
  }
}

/**
 * Stops a running daemon and starts it again in place: same port(s), same data, so clients can
 * reconnect and nothing stored is lost (for broker-restart fault tests). `hard` uses SIGKILL.
 */
export async function restartService(
  name: string,
  opts: { hard?: boolean; pauseMs?: number } = {},
  progress: Progress = quiet,
): Promise<ServiceRecord> {
  const s = getService(name);
  const rec = readState(name);
  if (!rec?.pid)
    throw new Error(
      `${name} is not running (no pid in its state file); start it with \`npm run services -- up ${name}\``,
    );
  await stopPid(rec.pid, rec.match, opts.hard ? 0 : 15_000);
  if (opts.pauseMs) await new Promise((r) => setTimeout(r, opts.pauseMs));
  return startOne(s, progress, rec);
}

export interface StatusRow {
  name: string;
  installed: boolean;
  running: boolean;
  pid?: number;
  endpoint: string;
}

export async function statusRows(): Promise<StatusRow[]> {
  const rows: StatusRow[] = [];
  for (const s of SERVICES) {
    const rec = await liveRecord(s.name);
    rows.push({
      name: s.name,
      installed: await s.installed(),
      running: !!rec,
      pid: rec?.pid,
      endpoint: rec ? describeEndpoint(rec) : '',
    });
  }
  return rows;
}

/** The endpoint for humans: never a token. */
function describeEndpoint(rec: ServiceRecord): string {
  return Object.entries(rec.endpoint)
    .filter(([k]) => !/token|secret|password/i.test(k))
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`)
    .join(' ');
}

/*
 * Leases: several test runs (engineers working side by side, or a manual `up`) share the same
 * services. A test run acquires a lease per service; at its end it releases them, and a service is
 * stopped only when it was started by a test run (not by a manual `up`) and no live lease remains.
 */
const leaseDir = () => argusDir('run', 'leases');
const leaseFile = (name: string, pid: number) => join(leaseDir(), `${name}.${pid}`);

function liveLeases(name: string): number[] {
  return readdirSync(leaseDir())
    .filter((f) => f.startsWith(`${name}.`))
    .map((f) => Number(f.slice(name.length + 1)))
    .filter((pid) => {
      if (isAlive(pid)) return true;
      rmSync(leaseFile(name, pid), { force: true }); // a crashed test run's lease
      return false;
    });
}

/** Starts (or reuses) services for a test run and leases them to this process. */
export async function acquireServices(
  names: string[] = [],
  progress: Progress = quiet,
): Promise<Record<string, ServiceRecord>> {
  const { records, started } = await upServices(names, progress);
  for (const name of Object.keys(records)) {
    writeFileSync(leaseFile(name, process.pid), '');
    if (started.includes(name))
      writeState({ ...records[name], data: { ...records[name].data, autoStarted: true } });
  }
  return records;
}

/** Releases this process's leases; stops auto-started services nobody else leases. */
export async function releaseServices(progress: Progress = quiet): Promise<void> {
  const mine = readdirSync(leaseDir()).filter((f) => f.endsWith(`.${process.pid}`));
  const names = mine.map((f) => f.slice(0, -`.${process.pid}`.length));
  for (const f of mine) rmSync(join(leaseDir(), f), { force: true });
  const toStop = names.filter((n) => readState(n)?.data?.autoStarted === true && liveLeases(n).length === 0);
  if (toStop.length) await downServices(toStop, progress);
}

/** True when `.argus/run/leases` exists and holds a live lease on `name` (for status). */
export function leased(name: string): boolean {
  return existsSync(leaseDir()) && liveLeases(name).length > 0;
}
