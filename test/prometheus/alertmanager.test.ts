/**
 * The Alertmanager receiver against a real Alertmanager (Debian `prometheus-alertmanager`) on a
 * free loopback port: an episode fires (visible as active in `GET /api/v2/alerts`) and resolves.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertBackend } from '../../engine/backends/alerts/index.ts';
import { services } from '../helpers/services.ts';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

let am: ChildProcess;
let url = '';

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'argus-am-'));
  writeFileSync(join(dir, 'am.yml'), 'route: {receiver: blackhole}\nreceivers: [{name: blackhole}]\n');
  const [port, cluster] = [await freePort(), await freePort()];
  url = `http://127.0.0.1:${port}`;
  am = spawn(
    services().alertmanager,
    [
      `--config.file=${join(dir, 'am.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--cluster.listen-address=127.0.0.1:${cluster}`,
    ],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 100; i++) {
    if (
      await fetch(`${url}/-/ready`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`alertmanager did not become ready on ${url}`);
});
afterAll(() => {
  am?.kill('SIGTERM');
});

const activeAlerts = async () =>
  (await (await fetch(`${url}/api/v2/alerts?active=true&silenced=false&inhibited=false`)).json()) as {
    labels: Record<string, string>;
    status: { state: string };
  }[];

describe('Alertmanager receiver', () => {
  it('fires an episode into Alertmanager and resolves it', async () => {
    const alerts = createAlertBackend({ receivers: { alertmanager: { type: 'alertmanager', url } } });
    const s = {
      name: 'DQConsistencyBelowTarget',
      severity: 'P1' as const,
      labels: { pipeline: 'gold' },
      annotations: { summary: 'ratio 97%' },
    };
    await alerts.update({ ...s, active: true });
    const firing = (await activeAlerts()).filter((a) => a.labels.alertname === 'DQConsistencyBelowTarget');
    expect(firing).toHaveLength(1);
    expect(firing[0].labels).toMatchObject({ severity: 'P1', pipeline: 'gold' });
    expect(firing[0].status.state).toBe('active');
    await alerts.update({ ...s, active: false });
    expect(
      (await activeAlerts()).filter((a) => a.labels.alertname === 'DQConsistencyBelowTarget'),
    ).toHaveLength(0);
  });
});
