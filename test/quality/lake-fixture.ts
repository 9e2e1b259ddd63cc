/**
 * A month of quality data produced by the real operators and written to real Delta tables: each
 * trading day of December 2024 goes through consistency_gate → quality_score → alert sink, and the
 * gate's verdict/quarantine ports and the score's report port are written to `quality/*` tables.
 * Some days are made bad on purpose (quarantined, missing closes, late).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Rec } from '../../engine/api/index.ts';
import { createAlertBackend } from '../../engine/backends/alerts/index.ts';
import { createLake, DeltaTable, type LocalLake } from '../../engine/lake/index.ts';
import { testContext } from '../../engine/testing/context.ts';
import { runSink, runTransform } from '../../engine/testing/drivers.ts';
import { dropField, marketDay, offsetCloses } from '../../operators/lib/quality/fixtures.ts';
import { repoQualitySpecs } from '../../operators/lib/quality/policies.ts';
import { QUALITY_TABLES } from '../../operators/lib/quality/tables.ts';
import alertSink from '../../operators/sinks/alert.ts';
import gate from '../../operators/transforms/consistency_gate.ts';
import score from '../../operators/transforms/quality_score.ts';

export interface QualityLake {
  root: string;
  lake: LocalLake;
  alertsDir: string;
  days: string[];
  quarantinedDay: string;
  /** Reports as the operator emitted them (before the lake round trip). */
  reports: Rec[];
}

export function decemberTradingDays(): string[] {
  const out: string[] = [];
  for (let d = 2; d <= 31; d++) {
    const date = new Date(Date.UTC(2024, 11, d));
    if (date.getUTCDay() !== 0 && date.getUTCDay() !== 6) out.push(date.toISOString().slice(0, 10));
  }
  return out;
}

/** Builds the lake. `setNow` moves the clock the operators see (e.g. vi.setSystemTime). */
export async function buildQualityLake(setNow: (d: Date) => void): Promise<QualityLake> {
  const root = mkdtempSync(join(tmpdir(), 'argus-quality-lake-'));
  const lake = createLake(join(root, 'lake'));
  const alertsDir = join(root, 'state', 'alerts');
  const alerts = createAlertBackend({ receivers: { log: { type: 'log' } }, stateDir: alertsDir });
  const specs = repoQualitySpecs();
  const tables: Record<string, DeltaTable> = {};
  for (const [name, columns] of Object.entries(QUALITY_TABLES))
    tables[name] = await DeltaTable.create(lake.pathOf(name), columns, {
      partitionBy: ['trade_date'],
      schemaName: name.replace('/', '.'),
      schemaVersion: 1,
    });

  const days = decemberTradingDays();
  const quarantinedDay = days[4];
  const reports: Rec[] = [];
  for (const [i, date] of days.entries()) {
    let rows = marketDay({ symbols: 120, date, volatility: 0.015 + (i % 5) * 0.004, seed: 100 + i });
    if (date === quarantinedDay) rows = offsetCloses(rows, 0.05, 0.012);
    if (i === 9) rows = dropField(rows, 'close', 0.08);
    if (i === 14) rows = dropField(rows, 'turnover', 0.03);
    const lateMinutes = i === 12 ? 95 : 20 + (i % 4) * 5;
    setNow(new Date(Date.parse(`${date}T15:00:00+08:00`) + lateMinutes * 60_000));
    const ctx = testContext({ specs, pipeline: 'gold', node: 'quality', backends: { alerts } });
    const gated = await runTransform(gate, {}, rows, ctx);
    await tables['quality/consistency'].append(gated.verdict);
    if (gated.quarantine) await tables['quality/quarantine'].append(gated.quarantine);
    if (gated.review) await tables['quality/review'].append(gated.review);
    const sinkInput: Rec[][] = [gated.verdict];
    if (gated.out) {
      const scored = await runTransform(score, {}, gated.out, ctx);
      await tables['quality/daily_report'].append(scored.report);
      reports.push(...scored.report);
      sinkInput.push(scored.report);
    }
    await runSink(alertSink, {}, sinkInput, ctx);
  }
  await alerts.close();
  return { root, lake, alertsDir, days, quarantinedDay, reports };
}
