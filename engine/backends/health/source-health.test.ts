import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { HealthRegistry } from './registry.ts';
import { probeOnce } from './prober.ts';
import { SourceHealth, type Transition } from './source-health.ts';

function clocked(opts = {}) {
  let t = 1_000_000;
  const h = new SourceHealth(
    'miniQMT',
    { unavailableAfter: 3, recoverAfter: 2, probeAfterMs: 10_000, ...opts },
    () => t,
  );
  const seen: Transition[] = [];
  h.onTransition((x) => seen.push(x));
  return { h, seen, advance: (ms: number) => (t += ms) };
}

const fail = { ok: false, kind: 'timeout' } as const;
const ok = { ok: true } as const;

describe('SourceHealth', () => {
  it('walks healthy → degraded → unavailable → probing → healthy with timings', () => {
    const { h, seen, advance } = clocked();
    h.record(fail);
    expect(h.state).toBe('degraded');
    expect(h.usable).toBe(true);
    advance(4000);
    h.record(fail);
    advance(4000);
    h.record({ ok: false, kind: 'server', message: '500' });
    expect(h.state).toBe('unavailable');
    expect(h.usable).toBe(false);
    expect(seen.at(-1)).toMatchObject({
      from: 'degraded',
      to: 'unavailable',
      detectionMs: 8000,
      inPreviousMs: 8000,
    });
    expect(seen.at(-1)!.reason).toContain('3 consecutive failures (last server: 500)');
    advance(9999);
    expect(h.state).toBe('unavailable');
    advance(1);
    expect(h.state).toBe('probing');
    expect(h.tryProbe()).toBe(true);
    expect(h.tryProbe()).toBe(false); // one probe at a time
    h.record(ok);
    expect(h.state).toBe('healthy');
    expect(seen.map((x) => x.to)).toEqual(['degraded', 'unavailable', 'probing', 'healthy']);
  });

  it('a failed probe goes back to unavailable and restarts the cooldown', () => {
    const { h, advance } = clocked({ unavailableAfter: 1 });
    h.record(fail);
    advance(10_000);
    expect(h.state).toBe('probing');
    h.record(fail);
    expect(h.state).toBe('unavailable');
    advance(5000);
    h.record(fail); // still failing: cooldown starts again
    advance(6000);
    expect(h.state).toBe('unavailable');
    advance(4000);
    expect(h.state).toBe('probing');
  });

  it('degraded recovers after consecutive successes; a failure in between resets the count', () => {
    const { h } = clocked();
    h.record(fail);
    h.record(ok);
    h.record(fail);
    h.record(ok);
    expect(h.state).toBe('degraded');
    h.record(ok);
    expect(h.state).toBe('healthy');
  });

  it('slow successes degrade but never make a source unavailable', () => {
    const { h } = clocked({ slowMs: 1000 });
    for (let i = 0; i < 5; i++) h.record({ ok: true, latencyMs: 5000 });
    expect(h.state).toBe('degraded');
  });

  it('a hold keeps the source unavailable until its end, whatever is observed, then probes', () => {
    const { h, advance } = clocked();
    h.hold(1_000_000 + 60_000, 'quota exhausted');
    expect(h.state).toBe('unavailable');
    h.record(ok);
    advance(30_000);
    expect(h.state).toBe('unavailable');
    advance(30_000);
    expect(h.state).toBe('probing');
  });

  it('a health-endpoint answer while unavailable starts probing at once', () => {
    const { h } = clocked({ unavailableAfter: 1 });
    h.record(fail);
    h.record({ ok: true, via: 'health' });
    expect(h.state).toBe('probing');
    expect(h.transitions.at(-1)!.reason).toBe('health endpoint answered');
  });
});

describe('HealthRegistry and prober', () => {
  it('shares one state per source and reports every transition', async () => {
    const reg = new HealthRegistry({ defaults: { unavailableAfter: 2 } });
    const seen: string[] = [];
    reg.onTransition((t) => seen.push(`${t.source}:${t.to}`));
    reg.get('miniQMT').record(fail);
    reg.get('miniQMT').record(fail);
    expect(reg.snapshot().miniQMT.state).toBe('unavailable');
    expect(seen).toEqual(['miniQMT:degraded', 'miniQMT:unavailable']);
  });

  it('probes a real health endpoint: up, "unhealthy" body, connection refused', async () => {
    let body = '{"status":"healthy"}';
    const server = createServer((_req, res) => res.end(body));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/health`;
    const h = new SourceHealth('miniQMT', { unavailableAfter: 2 });
    expect(await probeOnce(h, { url })).toBe(true);
    body = '{"status":"unhealthy"}';
    expect(await probeOnce(h, { url })).toBe(false);
    await new Promise((r) => server.close(r));
    expect(await probeOnce(h, { url, timeoutMs: 500 })).toBe(false);
    expect(h.state).toBe('unavailable');
  });
});
