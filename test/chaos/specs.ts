/**
 * The spec files of one chaos run, written to a fresh directory so runs never share a topic, a
 * consumer group or a quota counter:
 *
 * - `collect.yaml`: `pipelines/collect.yaml` with its market-data `qmt` node replaced by the
 *   `failover` design of docs/resilience.md §6.2 (miniQMT first, Tushare as backup) and every
 *   Tushare call through the shared `quota` backend. The repository's collect.yaml reads QMT without
 *   a failover and Tushare without the quota; the chaos suite tests the resilient design, and the
 *   report says so.
 * - `bronze.yaml` + `topics.yaml`: renamed copies (test/bronze/harness.ts `specFiles`).
 * - `quotas.yaml`: policies/quotas.yaml with a per-run key prefix (and, for the exhaustion
 *   experiment, a one-call local budget so that exhaustion is not hidden by the reservation).
 *
 * @example
 * const s = writeRunSpecs('qmt-outage');
 * await runDaily({ specs: { collect: s.collect }, ... });
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectFile, ROOT, specFiles, type Names } from '../bronze/harness.ts';

export interface RunSpecs {
  dir: string;
  names: Names;
  /** Redis key prefix of this run's quota counters (`<prefix>:usage:<endpoint>`). */
  quotaPrefix: string;
  /** Spec paths for runDaily's `specs.collect`. */
  collect: string[];
}

export interface SpecOptions {
  /** Local quota budget per process (default: the policy's). */
  localBudgetCalls?: number;
  /** QMT collector timeout and retries: how fast a dead agent is noticed. */
  qmtTimeoutMs?: number;
  /**
   * The Tushare collectors' wait after a per-minute rate-limit error (default: the collector's
   * 60 s). The vitest suite shortens it; `npm run chaos` keeps the real wait.
   */
  rateLimitWaitMs?: number;
  /** Tushare points of the quota policy (default 5000, the simulator token's tier). */
  points?: number;
}

/** The failover market-data node that replaces collect.yaml's `qmt` node. */
function failoverNode(o: SpecOptions): string {
  const timeout = o.qmtTimeoutMs ?? 5000;
  return `    - id: qmt
      type: failover
      config:
        sources:
          - name: miniQMT
            type: qmt_agent
            config:
              base_url: \${env:QMT_AGENT_URL}
              api_key: '\${secret:kv/argus/qmt#api_key}'
              datasets: [daily]
              symbols: all
              trade_date: \${env:TRADE_DATE}
              timeout_ms: ${timeout}
              retry_delays_ms: [200]
          - name: Tushare
            type: tushare
            config:
              base_url: \${env:TUSHARE_URL}
              token: '\${secret:kv/argus/tushare#token}'
              datasets: [daily]
              symbols: all
              trade_date: \${env:TRADE_DATE}
              quota: quota
            quota_endpoints: market_data
        health: {unavailable_after: 2, probe_after_ms: 30000}
        stall_timeout_ms: 60000
        probe: {source: miniQMT, url: "\${env:QMT_AGENT_URL}/health", interval_ms: 1000}

`;
}

/** Rewrites a copy of collect.yaml: failover for market data, Tushare through the quota. */
export function resilientCollect(text: string, o: SpecOptions = {}): string {
  const start = text.indexOf('    - id: qmt\n');
  const end = text.indexOf('    - id: tushare\n');
  if (start < 0 || end < start)
    throw new Error('pipelines/collect.yaml: expected a `qmt` node followed by a `tushare` node');
  let out = text.slice(0, start) + failoverNode(o) + text.slice(end);
  // The plain tushare node: its datasets also go through the shared quota (collect.yaml may say so already).
  if (!/- id: tushare\n      type: tushare\n      config:\n        quota: quota\n/.test(out))
    out = out.replace(
      /(    - id: tushare\n      type: tushare\n      config:\n)/,
      `$1        quota: quota\n`,
    );
  if (!out.includes('        quota: quota\n'))
    throw new Error('pipelines/collect.yaml: could not route the tushare node through the quota');
  if (o.rateLimitWaitMs !== undefined)
    out = out.replace(
      /^( +)quota: quota\n/gm,
      `$1quota: quota\n$1rate_limit_wait_ms: ${o.rateLimitWaitMs}\n`,
    );
  return out;
}

export function writeRunSpecs(label: string, o: SpecOptions = {}): RunSpecs {
  const id = `${label.replace(/[^a-z0-9]+/gi, '-')}-${randomBytes(3).toString('hex')}`;
  const names: Names = { topic: `chaos-raw-${id}`, dlq: `chaos-dlq-${id}`, group: `chaos-bronze-${id}` };
  const dir = mkdtempSync(join(tmpdir(), 'argus-chaos-spec-'));
  const files = specFiles(names, dir);
  const collect = collectFile(names, files);
  writeFileSync(collect, resilientCollect(readFileSync(collect, 'utf8'), o));

  const quotaPrefix = `chaos:${id}:quota`;
  let quotas = readFileSync(join(ROOT, 'policies/quotas.yaml'), 'utf8').replace(
    /key_prefix:\s*'[^']*'/,
    `key_prefix: '${quotaPrefix}'`,
  );
  if (!quotas.includes(quotaPrefix)) throw new Error('policies/quotas.yaml: no key_prefix to rename');
  // The simulator's token has 5000 points (500 calls/min per endpoint): the policy says so too.
  quotas = quotas.replace(/^(\s*)points:\s*\d+/m, `$1points: ${o.points ?? 5000}`);
  if (o.localBudgetCalls !== undefined)
    quotas = quotas.replace(
      /local_budget:\s*\{[^}]*\}/,
      `local_budget: { fraction: 0.05, max_calls: ${o.localBudgetCalls}, rate_fraction: 0.5 }`,
    );
  const policies = readdirSync(join(ROOT, 'policies'))
    .filter((f) => f.endsWith('.yaml') && f !== 'quotas.yaml')
    .map((f) => join(ROOT, 'policies', f));
  const quotaFile = join(dir, 'quotas.yaml');
  writeFileSync(quotaFile, quotas);
  return { dir, names, quotaPrefix, collect: [collect, ...files, ...policies, quotaFile] };
}
