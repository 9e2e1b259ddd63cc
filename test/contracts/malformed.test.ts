/**
 * Every malformed-payload class the simulator can inject, through both source operators: each
 * yields a clear error or dead-letter records with the reason; no crash and no silent drop
 * (rows emitted + rows dead-lettered = rows served).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Context, Rec } from '../../engine/api/index.ts';
import type { FaultKind } from '../../sim/faults.ts';
import type { SimHandle } from '../../sim/index.ts';
import { errors, out, readQmt, readTushare, simWithContext } from '../sources/helpers.ts';

const DAY = '20241231';

/** Per class: the error a persistent fault ends with, or the dead-letter reason it produces. */
const CLASSES: { kind: FaultKind; tushare: RegExp; qmt: RegExp; fails?: ('tushare' | 'qmt')[] }[] = [
  { kind: 'truncated_json', tushare: /not valid JSON/, qmt: /not valid JSON/, fails: ['tushare', 'qmt'] },
  {
    kind: 'wrong_types',
    tushare: /expected a number or null, got string/,
    qmt: /expected (an integer|a number) or null, got string/,
  },
  {
    kind: 'missing_fields',
    tushare: /data\.items\[0\] has 11 values for 10 fields/,
    qmt: /required field "close" is missing/,
    fails: ['tushare'],
  },
  {
    kind: 'bad_symbol',
    tushare: /expected an A-share code/,
    qmt: /unexpected symbol "XX9999\.ZZ"|requested symbol .* is missing/,
  },
  {
    kind: 'bad_date',
    tushare: /"trade_date": expected a date YYYYMMDD/,
    qmt: /"date": expected a date YYYYMMDD/,
  },
  { kind: 'duplicate_rows', tushare: /duplicate row for ts_code=/, qmt: /duplicate row for date=/ },
  { kind: 'missing_values', tushare: /$^/, qmt: /required field "(open|high)" is missing/ },
];

const rowsOf = (recs: Rec[]) =>
  recs.reduce((n, r) => n + ((r.rows as unknown[] | undefined)?.length ?? 0), 0);
const deadRows = (recs: Rec[]) =>
  recs.reduce((n, r) => n + (((r.record as Rec).rows as unknown[] | undefined)?.length ?? 0), 0);

describe('malformed payloads end in a clear error or a dead letter with the reason', () => {
  let sim: SimHandle;
  let ctx: Context;
  let tsRows: number;
  let qmtRows: number;
  beforeAll(async () => {
    ({ sim, ctx } = await simWithContext({
      symbols: 150,
      from: '20241201',
      to: '20241231',
      seed: 8,
      qmtRateLimit: { perMinute: 1000, perHour: 10000 },
    }));
    tsRows = sim.market.instruments.filter((i) => sim.market.daily(i.ts_code, DAY)).length;
    qmtRows = sim.market.instruments.filter(
      (i) => i.list_status === 'L' && sim.market.qmtBar(i.ts_code, DAY),
    ).length;
  });
  afterAll(() => sim.stop());

  for (const c of CLASSES) {
    it(`tushare: ${c.kind}`, async () => {
      sim.setFaults({ seed: 3, rules: [{ kind: c.kind, target: 'tushare', row_rate: 0.05 }] });
      const run = readTushare(sim, ctx, { datasets: ['daily'], trade_date: DAY });
      if (c.fails?.includes('tushare')) return void (await expect(run).rejects.toThrow(c.tushare));
      const es = await run;
      const dead = errors(es);
      const dups = dead.filter((d) => /duplicate/.test(String(d.reason))).length;
      expect(rowsOf(out(es)) + deadRows(dead)).toBe(tsRows + dups);
      if (c.kind === 'missing_values') {
        expect(dead).toEqual([]);
        expect(out(es)[0].rows).toContainEqual(expect.objectContaining({ high: null, low: null }));
      } else {
        expect(dead.length).toBeGreaterThan(0);
        for (const d of dead)
          expect(d).toMatchObject({
            reason: expect.stringMatching(c.tushare),
            record: expect.objectContaining({ source: 'tushare', dataset: 'daily' }),
          });
      }
    });

    it(`qmt_agent: ${c.kind}`, async () => {
      sim.setFaults({ seed: 3, rules: [{ kind: c.kind, target: 'qmt', api: 'hist_kline', row_rate: 0.05 }] });
      const run = readQmt(sim, ctx, { datasets: ['daily'], trade_date: DAY, batch_size: 1000 });
      if (c.fails?.includes('qmt')) return void (await expect(run).rejects.toThrow(c.qmt));
      const es = await run;
      const dead = errors(es);
      const dups = dead.filter((d) => /duplicate/.test(String(d.reason))).length;
      expect(rowsOf(out(es)) + deadRows(dead)).toBe(qmtRows + dups);
      expect(dead.length).toBeGreaterThan(0);
      for (const d of dead)
        expect(d).toMatchObject({
          reason: expect.stringMatching(c.qmt),
          record: expect.objectContaining({ source: 'qmt', dataset: 'daily' }),
        });
    });
  }

  it('a fault that clears recovers by retry (no dead letter, nothing lost)', async () => {
    sim.setFaults([
      { kind: 'truncated_json', target: 'tushare', count: 1 },
      { kind: 'truncated_json', target: 'qmt', api: 'hist_kline', count: 1 },
    ]);
    const ts = await readTushare(sim, ctx, { datasets: ['daily'], trade_date: DAY });
    const qmt = await readQmt(sim, ctx, { datasets: ['daily'], trade_date: DAY, batch_size: 1000 });
    expect([errors(ts), errors(qmt)]).toEqual([[], []]);
    expect([rowsOf(out(ts)), rowsOf(out(qmt))]).toEqual([tsRows, qmtRows]);
    sim.setFaults([]);
  });

  it('bad request parameters come back as the sources’ own errors', async () => {
    const res = await fetch(`${sim.qmtUrl}/api/v1/hist_kline?symbol=600519.SH&start_date=2024-12-31`, {
      headers: { 'x-api-key': sim.qmtApiKey },
    });
    expect(res.status).toBe(422);
    const body = await fetch(sim.tushareUrl, {
      method: 'POST',
      body: JSON.stringify({
        api_name: 'daily',
        token: sim.tushareToken,
        params: { trade_date: '2024-12-31' },
      }),
    }).then((r) => r.json());
    expect(body).toMatchObject({ code: -2001, data: null, msg: expect.stringMatching(/trade_date/) });
  });
});
