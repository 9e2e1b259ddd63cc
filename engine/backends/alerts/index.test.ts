import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAlertBackend, fingerprint } from './index.ts';

interface Hit {
  path: string;
  body: any;
}

/** A real HTTP endpoint on loopback that records what it receives and answers `status`. */
async function endpoint(status = () => 200): Promise<{ url: string; hits: Hit[]; server: Server }> {
  const hits: Hit[] = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    let data = '';
    for await (const chunk of req) data += chunk;
    hits.push({ path: req.url ?? '', body: JSON.parse(data) });
    res.writeHead(status()).end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, hits, server };
}

describe('alerts backend', () => {
  let ep: Awaited<ReturnType<typeof endpoint>>;
  let code = 200;
  beforeEach(async () => {
    code = 200;
    ep = await endpoint(() => code);
  });
  afterEach(() => new Promise<void>((r) => ep.server.close(() => r())));

  it('fires once per episode and resolves once, to webhook and Alertmanager API shapes', async () => {
    const alerts = createAlertBackend({
      receivers: {
        hook: { type: 'webhook', url: `${ep.url}/hook` },
        am: { type: 'alertmanager', url: ep.url },
      },
    });
    const signal = {
      name: 'DQConsistencyBelowTarget',
      severity: 'P1' as const,
      labels: { pipeline: 'silver' },
      annotations: { summary: 'ratio 97%' },
    };
    const fired = await alerts.update({ ...signal, active: true });
    expect(fired).toMatchObject({
      status: 'firing',
      fingerprint: fingerprint('DQConsistencyBelowTarget', { pipeline: 'silver' }),
    });
    expect(await alerts.update({ ...signal, active: true })).toBeNull();
    expect(await alerts.update({ ...signal, active: true })).toBeNull();
    expect(alerts.active()).toHaveLength(1);
    const resolved = await alerts.update({ ...signal, active: false });
    expect(resolved).toMatchObject({ status: 'resolved', startsAt: fired!.startsAt });
    expect(await alerts.update({ ...signal, active: false })).toBeNull();
    expect(alerts.active()).toHaveLength(0);

    const hook = ep.hits.filter((h) => h.path === '/hook');
    const am = ep.hits.filter((h) => h.path === '/api/v2/alerts');
    expect(hook.map((h) => h.body.status)).toEqual(['firing', 'resolved']);
    expect(hook[0].body.alerts[0]).toMatchObject({
      labels: { alertname: 'DQConsistencyBelowTarget', severity: 'P1', pipeline: 'silver' },
      annotations: { summary: 'ratio 97%' },
    });
    expect(am).toHaveLength(2);
    expect(Array.isArray(am[0].body)).toBe(true);
    expect(Date.parse(am[0].body[0].endsAt)).toBeGreaterThan(Date.now() + 3600_000); // kept active
    expect(Date.parse(am[1].body[0].endsAt)).toBeLessThanOrEqual(Date.now()); // resolved
    expect(alerts.history().map((e) => e.status)).toEqual(['firing', 'resolved']);
  });

  it('routes to the named receivers only and keys episodes by labels', async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }),
    );
    const alerts = createAlertBackend(
      { receivers: { log: { type: 'log' }, hook: { type: 'webhook', url: `${ep.url}/hook` } } },
      { logger },
    );
    await alerts.update({
      name: 'QuotaHigh',
      severity: 'P3',
      active: true,
      labels: { endpoint: 'daily' },
      receivers: ['log'],
    });
    await alerts.update({
      name: 'QuotaHigh',
      severity: 'P3',
      active: true,
      labels: { endpoint: 'adj_factor' },
      receivers: ['log'],
    });
    expect(ep.hits).toHaveLength(0);
    expect(alerts.active()).toHaveLength(2);
    expect(
      lines.filter((l) => l.includes('"alert":"QuotaHigh"') && l.includes('"status":"firing"')),
    ).toHaveLength(2);
  });

  it('keeps the episode closed when a receiver fails, and delivers on the next report', async () => {
    code = 503;
    const alerts = createAlertBackend({
      receivers: { hook: { type: 'webhook', url: `${ep.url}/hook`, retries: 1, backoffMs: 1 } },
    });
    const s = { name: 'DQCloseMissing', severity: 'P0' as const, active: true };
    await expect(alerts.update(s)).rejects.toThrow(
      /alert receiver "hook": POST http:\/\/127\.0\.0\.1:\d+\/hook failed: HTTP 503/,
    );
    expect(ep.hits).toHaveLength(2); // one retry
    expect(alerts.active()).toHaveLength(0);
    code = 200;
    expect(await alerts.update(s)).toMatchObject({ status: 'firing' });
    expect(alerts.active()).toHaveLength(1);
  });

  it('persists episodes so a restart neither re-fires nor forgets to resolve', async () => {
    const stateDir = join(mkdtempSync(join(tmpdir(), 'argus-alerts-')), 'alerts');
    const receivers = { hook: { type: 'webhook' as const, url: `${ep.url}/hook` } };
    const first = createAlertBackend({ receivers, stateDir });
    await first.update({ name: 'DQCompositeScoreRed', severity: 'P1', active: true });
    await first.close();
    const second = createAlertBackend({ receivers, stateDir });
    expect(await second.update({ name: 'DQCompositeScoreRed', severity: 'P1', active: true })).toBeNull();
    expect(await second.update({ name: 'DQCompositeScoreRed', severity: 'P1', active: false })).toMatchObject(
      { status: 'resolved' },
    );
    expect(ep.hits.map((h) => h.body.status)).toEqual(['firing', 'resolved']);
    expect(
      createAlertBackend({ receivers, stateDir })
        .history()
        .map((e) => e.status),
    ).toEqual(['firing', 'resolved']);
  });

  it('serialises concurrent reports of one key into a single notification', async () => {
    const alerts = createAlertBackend({ receivers: { hook: { type: 'webhook', url: `${ep.url}/hook` } } });
    const s = { name: 'DQKeyFieldMissing', severity: 'P1' as const, active: true };
    const results = await Promise.all([alerts.update(s), alerts.update(s), alerts.update(s)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(ep.hits).toHaveLength(1);
  });

  it('rejects an unknown receiver type with its name', () => {
    expect(() => createAlertBackend({ receivers: { pager: { type: 'sms' } as never } })).toThrow(
      /alert receiver "pager": unknown type "sms"/,
    );
  });
});
