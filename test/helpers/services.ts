/**
 * Endpoints of the real services for integration tests, read from `.argus/run/<name>.json` so
 * they work in any test worker. Each getter throws, with the exact command to fix it, when its
 * service is not running: a missing service is a failing test, never a skip.
 *
 * @example
 * import { services } from '../helpers/services.ts';
 * const kafka = new Kafka({ brokers: services().kafka.brokers });
 * const vault = services().vault;          // { addr, token }
 * execFileSync(services().python, ['-c', 'import deltalake']);
 */
import type { ServiceRecord } from '../../infra/service.ts';
import { readState } from '../../infra/lib/state.ts';
import { isAlive } from '../../infra/lib/process.ts';
import { restartService } from '../../infra/manager.ts';

export interface ServiceEndpoints {
  kafka: { brokers: string[] };
  redis: { url: string; port: number };
  /** OpenBao dev server (Vault API); the root token is a throw-away generated at start. */
  vault: { addr: string; token: string };
  /** The project venv's python (deltalake, duckdb, prophet...). */
  python: string;
  promtool: string;
  amtool?: string;
  /** Server binaries, started on demand by the tests that scrape or alert. */
  prometheus: string;
  alertmanager: string;
  chromium: string;
}

function record(name: string): ServiceRecord {
  const rec = readState(name);
  const fix = `run \`npm run services -- up ${name}\` (installs it too; or \`npm run services -- install ${name}\`), or run the test in the vitest "integration" project whose global setup starts it`;
  if (!rec) throw new Error(`service "${name}" is not running (no .argus/run/${name}.json): ${fix}`);
  if (rec.pid && !isAlive(rec.pid, rec.match))
    throw new Error(`service "${name}" (pid ${rec.pid}) is no longer running: ${fix}`);
  return rec;
}

const str = (rec: ServiceRecord, key: string): string => {
  const v = rec.endpoint[key];
  if (typeof v !== 'string' || !v)
    throw new Error(
      `.argus/run/${rec.name}.json has no endpoint.${key}; restart it: \`npm run services -- down ${rec.name} && npm run services -- up ${rec.name}\``,
    );
  return v;
};

/** Lazily resolved endpoints: only the services a test touches must be running. */
export function services(): ServiceEndpoints {
  return {
    get kafka() {
      return { brokers: record('kafka').endpoint.brokers as string[] };
    },
    get redis() {
      const r = record('redis');
      return { url: str(r, 'url'), port: r.port as number };
    },
    get vault() {
      const r = record('openbao');
      return { addr: str(r, 'addr'), token: str(r, 'token') };
    },
    get python() {
      return str(record('venv'), 'python');
    },
    get promtool() {
      return str(record('prometheus'), 'promtool');
    },
    get amtool() {
      return record('prometheus').endpoint.amtool as string | undefined;
    },
    get prometheus() {
      return str(record('prometheus'), 'prometheus');
    },
    get alertmanager() {
      return str(record('prometheus'), 'alertmanager');
    },
    get chromium() {
      return str(record('chromium'), 'chromium');
    },
  };
}

/**
 * Restarts a daemon in place (same port and data) for fault tests, e.g. a broker restart
 * mid-stream; `hard: true` kills it with SIGKILL first. Resolves when it serves again.
 * @example await restart('kafka', { hard: true, pauseMs: 2000 });
 */
export async function restart(
  name: 'kafka' | 'redis' | 'openbao',
  opts: { hard?: boolean; pauseMs?: number } = {},
): Promise<void> {
  await restartService(name, opts);
}
