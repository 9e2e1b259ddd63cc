/**
 * The one mechanism every provisioned service uses. A service definition says how to install it
 * (idempotently, cached under `.argus/`), how to start it on loopback with a port picked at run
 * time, how to check and how to stop it. Tool-only services (venv, chromium, prometheus tools) have
 * no daemon: "starting" them just records the paths of their executables in the state file.
 *
 * @example
 * const redis: ServiceDefinition = {
 *   name: 'redis', description: 'Redis 7 (Debian redis-server)',
 *   installed: () => aptInstalled('redis-server'),
 *   install: (ctx) => aptEnsure(['redis-server'], ctx.log, ctx.progress),
 *   start: async (ctx) => { ...; return { pid, port, endpoint: { url } }; },
 *   check: async (rec) => portOpen(rec.port!),
 * };
 */
export interface ServiceContext {
  /** The service's install/run log (`.argus/logs/<name>.log`). */
  log: string;
  /** Prints a progress line ("kafka: downloading jars from Maven Central"). */
  progress(msg: string): void;
}

export interface StartContext extends ServiceContext {
  /** The previous record when restarting in place (same port, same data); undefined for a fresh start. */
  previous?: ServiceRecord;
}

/** What `.argus/run/<name>.json` holds. */
export interface ServiceRecord {
  name: string;
  /** Daemon pid (absent for tool-only services). */
  pid?: number;
  /** Substring of the daemon's command line, so a recycled pid is not mistaken for it. */
  match?: string;
  port?: number;
  /** What clients need: brokers, url, addr, executable paths... */
  endpoint: Record<string, unknown>;
  /** Anything the service needs to restart in place (data dirs, extra ports). */
  data?: Record<string, unknown>;
  /** True when the record holds a credential: the file is written with mode 0600. */
  secret?: boolean;
  startedAt: string;
}

export interface ServiceDefinition {
  name: string;
  description: string;
  /** Services whose install must come first (openbao's `bao` comes from the venv). */
  requires?: string[];
  /** Fast check (no network) that the install is complete and current. */
  installed(): boolean | Promise<boolean>;
  install(ctx: ServiceContext): Promise<void>;
  start(ctx: StartContext): Promise<Omit<ServiceRecord, 'name' | 'startedAt'>>;
  /** Extra stop work after the pid is gone (or instead, for services without a pid). */
  stop?(rec: ServiceRecord, ctx: ServiceContext): Promise<void>;
  /** Live check of a running record (port answers, health endpoint ok...). */
  check(rec: ServiceRecord): Promise<boolean>;
}
