import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FaultPlan, loadScenario, validateScenario } from './faults.ts';

describe('fault scenarios', () => {
  it('loads YAML and reports the rule and field that are wrong', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faults-'));
    const ok = join(dir, 'ok.yaml');
    writeFileSync(
      ok,
      'seed: 7\nrules:\n  - {kind: http_5xx, target: tushare, rate: 0.05}\n  - {kind: outage, target: qmt, window: {from_ms: 0, to_ms: 1000}, ms: 15000}\n',
    );
    expect(loadScenario(ok)).toEqual({
      seed: 7,
      rules: [
        { kind: 'http_5xx', target: 'tushare', rate: 0.05 },
        { kind: 'outage', target: 'qmt', window: { from_ms: 0, to_ms: 1000 }, ms: 15000 },
      ],
    });
    expect(() => validateScenario({ rules: [{ kind: 'http_5xx' }, { kind: 'meteor' }] }, 'x.yaml')).toThrow(
      /x\.yaml: rules\[1\]\.kind must be one of/,
    );
    expect(() => validateScenario({ rules: [{ kind: 'latency', rate: 2 }] })).toThrow(
      /rules\[0\]\.rate must be a number in \[0, 1\]/,
    );
    expect(() => validateScenario({ rules: [{ kind: 'latency', delay: 2 }] })).toThrow(
      /unknown field `delay`/,
    );
  });

  it('every scenario shipped in sim/scenarios is valid', () => {
    const dir = fileURLToPath(new URL('./scenarios/', import.meta.url));
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) expect(loadScenario(join(dir, f)).rules.length, f).toBeGreaterThan(0);
  });

  it('is reproducible by seed and differs across seeds', () => {
    const run = (seed: number) => {
      const p = new FaultPlan(seed, { rules: [{ kind: 'http_5xx', rate: 0.3 }] });
      return Array.from({ length: 200 }, () => p.decide('tushare', 'daily').length).join('');
    };
    expect(run(1)).toBe(run(1));
    expect(run(1)).not.toBe(run(2));
    const fired = run(1)
      .split('')
      .filter((c) => c === '1').length;
    expect(fired).toBeGreaterThan(35);
    expect(fired).toBeLessThan(85);
  });

  it('after/count bursts, targets and api filters', () => {
    const p = new FaultPlan(1, {
      rules: [{ kind: 'http_5xx', target: 'qmt', api: 'hist_kline', after: 2, count: 3 }],
    });
    const seq = Array.from({ length: 8 }, () => p.decide('qmt', 'hist_kline').length).join('');
    expect(seq).toBe('00111000');
    expect(p.decide('tushare', 'hist_kline')).toEqual([]);
    expect(p.decide('qmt', 'get_trading_dates')).toEqual([]);
  });

  it('windows are relative to when the rules were set', async () => {
    const p = new FaultPlan(1, { rules: [{ kind: 'outage', window: { from_ms: 0, to_ms: 60 } }] });
    expect(p.decide('qmt', 'hist_kline')).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 80));
    expect(p.decide('qmt', 'hist_kline')).toHaveLength(0);
  });
});
