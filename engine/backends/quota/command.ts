/**
 * `argus quota status`: today's usage per endpoint against its daily limit, and the cost view
 * (today / last 7 days against the budget), read from the shared Redis.
 *
 * @example
 * argus quota status --policy policies/quotas.yaml --redis redis://127.0.0.1:6379
 * argus quota status --json
 */
import type { Command } from 'commander';
import { costView } from './cost.ts';
import { loadQuotaPolicy } from './index.ts';
import { QuotaManager } from './manager.ts';
import { quotaConfigFromSpec } from './policy.ts';
import { RedisStore } from './redis-store.ts';

const pct = (r: number | null) => (r === null ? '-' : `${(r * 100).toFixed(1)}%`);

export function registerQuotaCommand(program: Command): void {
  const quota = program.command('quota').description('Shared API quota (Tushare) usage and cost');
  quota
    .command('status')
    .description("Today's usage per endpoint and the daily/weekly consumption against the budget")
    .option('--policy <file>', 'QuotaPolicy YAML', 'policies/quotas.yaml')
    .option('--redis <url>', 'Redis URL (default: $ARGUS_REDIS_URL)')
    .option('--json', 'print JSON instead of a table')
    .action(async (opts: { policy: string; redis?: string; json?: boolean }) => {
      const url = opts.redis ?? process.env.ARGUS_REDIS_URL;
      if (!url) throw new Error('argus quota status: give --redis <url> or set ARGUS_REDIS_URL');
      const doc = loadQuotaPolicy(opts.policy);
      const config = quotaConfigFromSpec(String(doc.metadata.name), doc.spec);
      const store = new RedisStore({ url, keyPrefix: config.keyPrefix });
      // A read-only look: no reservation is taken, so the manager is never started.
      const manager = new QuotaManager({ config, store });
      try {
        await store.start();
        const [usage, cost] = await Promise.all([manager.usage(), costView(manager)]);
        if (opts.json) {
          console.log(JSON.stringify({ usage, cost }, null, 2));
          return;
        }
        console.log(`quota "${config.name}" on ${store.where}, day ${cost.day} (${config.timeZone})`);
        console.log('endpoint        used   limit   usage   7 days');
        for (const e of cost.endpoints) {
          const u = usage.find((x) => x.endpoint === e.endpoint);
          console.log(
            `${e.endpoint.padEnd(14)}${String(u?.used ?? 0).padStart(6)}${String(e.limit ?? '-').padStart(8)}${pct(u?.ratio ?? null).padStart(8)}${String(e.week).padStart(9)}`,
          );
        }
        const b = cost.budget;
        console.log(
          `consumption today ${cost.total.today} (budget ${b.dailyCalls ?? '-'}, ${pct(b.dailyRatio)}), 7 days ${cost.total.week} (budget ${b.weeklyCalls ?? '-'}, ${pct(b.weeklyRatio)})`,
        );
      } finally {
        await store.close();
      }
    });
}
