import { describe, expect, it } from 'vitest';
import { RateLimiter } from './limiter.ts';

function clock() {
  let now = 1_000_000;
  const waits: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      waits.push(ms);
      now += ms;
    },
    waits,
    advance: (ms: number) => (now += ms),
  };
}

describe('RateLimiter', () => {
  it('lets perMinute requests through, then waits until the oldest leaves the window', async () => {
    const c = clock();
    const lim = new RateLimiter({ perMinute: 3, now: c.now, sleep: c.sleep });
    for (let i = 0; i < 3; i++) {
      await lim.take();
      c.advance(1000);
    }
    expect(c.waits).toEqual([]);
    await lim.take();
    expect(c.waits).toHaveLength(1);
    expect(c.waits[0]).toBeGreaterThanOrEqual(57_000);
    expect(c.waits[0]).toBeLessThanOrEqual(57_010);
  });

  it('honours the per-hour limit too', async () => {
    const c = clock();
    const lim = new RateLimiter({ perMinute: 100, perHour: 2, now: c.now, sleep: c.sleep });
    await lim.take();
    await lim.take();
    await lim.take();
    expect(c.waits[0]).toBeGreaterThanOrEqual(3_600_000);
  });

  it('follows X-RateLimit headers: Remaining 0 blocks until Reset; the stricter limit wins', async () => {
    const c = clock();
    const lim = new RateLimiter({ perMinute: 20, now: c.now, sleep: c.sleep });
    lim.observe({
      'x-ratelimit-ip-minute-limit': '20',
      'x-ratelimit-ip-minute-remaining': '0',
      'x-ratelimit-ip-minute-reset': String((c.now() + 30_000) / 1000),
    });
    expect(lim.delay()).toBe(30_000);
    await lim.take();
    expect(c.waits[0]).toBeGreaterThanOrEqual(30_000);
    lim.observe({ 'x-ratelimit-ip-minute-limit': '2' });
    await lim.take();
    expect(lim.delay()).toBeGreaterThan(0);
  });

  it('an aborted wait rejects', async () => {
    const lim = new RateLimiter({ perMinute: 1 });
    await lim.take();
    const ac = new AbortController();
    const p = lim.take(ac.signal);
    ac.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
  });
});
