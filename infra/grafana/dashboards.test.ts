import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isExportedSeries } from '../../operators/lib/quality/metric-names.ts';
import { promqlMetricNames } from '../prometheus/promql-metrics.ts';

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: { expr: string; refId: string; datasource?: { uid: string } }[];
  panels?: Panel[];
}

const dir = join(import.meta.dirname, 'dashboards');
const dashboards = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ file: f, json: JSON.parse(readFileSync(join(dir, f), 'utf8')) }));
const flat = (ps: Panel[]): Panel[] => ps.flatMap((p) => [p, ...flat(p.panels ?? [])]);
const datasourceUid = (
  parse(readFileSync(join(import.meta.dirname, 'provisioning/datasources/prometheus.yml'), 'utf8')) as {
    datasources: { uid: string }[];
  }
).datasources[0].uid;

describe('Grafana dashboards', () => {
  it('exist', () => expect(dashboards.length).toBeGreaterThan(0));

  for (const { file, json } of dashboards) {
    const panels = flat(json.panels as Panel[]).filter((p) => p.type !== 'row');

    it(`${file}: every panel query names only metrics the engine exports`, () => {
      const unknown: string[] = [];
      for (const p of panels) {
        expect(p.targets?.length, `panel "${p.title}" has no query`).toBeGreaterThan(0);
        for (const t of p.targets!) {
          const names = promqlMetricNames(t.expr);
          expect(
            names.length,
            `panel "${p.title}" query ${t.refId} reads no metric: ${t.expr}`,
          ).toBeGreaterThan(0);
          unknown.push(...names.filter((n) => !isExportedSeries(n)).map((n) => `${p.title}: ${n}`));
        }
      }
      for (const v of json.templating?.list ?? []) {
        const q = String(v.query?.query ?? v.query ?? '');
        const m = /label_values\(\s*([A-Za-z_:][A-Za-z0-9_:]*)/.exec(q);
        if (m && !isExportedSeries(m[1])) unknown.push(`variable ${v.name}: ${m[1]}`);
      }
      expect(unknown).toEqual([]);
    });

    it(`${file}: has the panels of the design`, () => {
      const titles = panels.map((p) => p.title.toLowerCase());
      for (const want of [
        'composite quality score (today)',
        '7-day trend',
        'api success',
        'quota usage',
        'consumption',
        'storage cost',
        'end-to-end latency',
        'consistency by board (heatmap)',
        'key-field completeness',
        'alerts',
        'rule failures',
      ])
        expect(
          titles.some((t) => t.includes(want)),
          `no panel titled like "${want}"`,
        ).toBe(true);
    });

    it(`${file}: panels use the provisioned datasource, unique ids, and fit the 24-column grid`, () => {
      const ids = flat(json.panels as Panel[]).map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const p of panels) {
        expect(p.datasource?.uid, p.title).toBe(datasourceUid);
        for (const t of p.targets ?? []) expect(t.datasource?.uid ?? datasourceUid).toBe(datasourceUid);
        expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      }
      expect(json.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    });
  }
});
