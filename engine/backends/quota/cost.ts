/**
 * The cost view: calls consumed today and over the last 7 days, per endpoint and in total, against a
 * budget. Crossing the budget's alert ratio raises one alert per period and day across all processes.
 */
import { dayWindow, lastDays } from './day-window.ts';
import type { QuotaManager } from './manager.ts';

export interface CostView {
  policy: string;
  day: string;
  days: string[];
  endpoints: {
    endpoint: string;
    today: number;
    week: number;
    limit: number | null;
    byDay: Record<string, number>;
  }[];
  total: { today: number; week: number };
  budget: {
    dailyCalls: number | null;
    weeklyCalls: number | null;
    dailyRatio: number | null;
    weeklyRatio: number | null;
  };
}

/**
 * Reads the consumption history from the manager's store.
 * @example
 * const view = await costView(quota); // { total: { today: 1234, week: 8000 }, budget: { dailyRatio: 0.02, ... } }
 */
export async function costView(
  quota: QuotaManager,
  extraEndpoints: string[] = [],
  now = Date.now(),
): Promise<CostView> {
  const { config } = quota;
  const days = lastDays(now, config.timeZone, 7);
  const day = days[days.length - 1];
  const names = [...new Set([...Object.keys(config.endpoints), ...extraEndpoints])];
  const hist = await quota.storeRef.history(names, days);
  const endpoints = names.map((endpoint) => {
    const byDay = hist[endpoint] ?? {};
    return {
      endpoint,
      today: byDay[day] ?? 0,
      week: days.reduce((s, d) => s + (byDay[d] ?? 0), 0),
      limit: quota.limitsOf(endpoint).daily,
      byDay,
    };
  });
  const total = {
    today: endpoints.reduce((s, e) => s + e.today, 0),
    week: endpoints.reduce((s, e) => s + e.week, 0),
  };
  const { dailyCalls, weeklyCalls } = config.budget;
  return {
    policy: config.name,
    day,
    days,
    endpoints,
    total,
    budget: {
      dailyCalls,
      weeklyCalls,
      dailyRatio: dailyCalls ? total.today / dailyCalls : null,
      weeklyRatio: weeklyCalls ? total.week / weeklyCalls : null,
    },
  };
}

/**
 * Computes the cost view, publishes it as metrics and raises a P2 `budget` alert when a period's
 * consumption passed the budget's alert ratio (once per period per day, across processes).
 */
export async function checkBudget(quota: QuotaManager, now = Date.now()): Promise<CostView> {
  const view = await costView(quota, [], now);
  quota.recordConsumption(view.total.today, view.budget.dailyRatio, view.total.week, view.budget.weeklyRatio);
  const { endsAt } = dayWindow(now, quota.config.timeZone);
  const ratio = quota.config.budget.alertRatio;
  for (const [period, r, budget, used] of [
    ['day', view.budget.dailyRatio, view.budget.dailyCalls, view.total.today],
    ['week', view.budget.weeklyRatio, view.budget.weeklyCalls, view.total.week],
  ] as const) {
    if (r === null || r <= ratio) continue;
    if (!(await quota.storeRef.claimOnce(`budget:${period}:${view.day}`, endsAt - now))) continue;
    quota.emit({
      type: 'budget',
      level: 'P2',
      alert: true,
      used,
      limit: budget ?? undefined,
      message: `quota "${quota.config.name}": ${period === 'day' ? 'daily' : '7-day'} consumption ${used} calls is ${(r * 100).toFixed(1)}% of the budget ${budget}`,
      details: { period },
    });
  }
  return view;
}
