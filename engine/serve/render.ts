/**
 * Server-side rendering of the dashboard: one self-contained HTML page (inline CSS and SVG, no
 * scripts, no external assets), so it works offline and every number is in the DOM for tests.
 * Elements carry `data-testid` and `data-*` values for automation.
 */
import type { Rec } from '../api/index.ts';
import type { DashboardData } from './data.ts';

const esc = (v: unknown) => String(v ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const pct = (x: number | null | undefined, d = 2) =>
  x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : `${(x * 100).toFixed(d)}%`;
const fix = (x: unknown, d = 2) =>
  x === null || x === undefined || !Number.isFinite(Number(x)) ? 'n/a' : Number(x).toFixed(d);
const COLORS: Record<string, string> = { green: '#1a9850', yellow: '#e6a800', red: '#d73027' };

function scoreTrend(reports: readonly Rec[]): string {
  const W = 1200,
    H = 240,
    L = 40,
    R = 10,
    T = 10,
    B = 30;
  if (reports.length === 0) return '<p class="empty">No daily reports yet.</p>';
  const values = reports.map((r) => Number(r.composite));
  const lo = Math.min(80, ...values),
    hi = 100;
  const x = (i: number) =>
    L + (reports.length === 1 ? (W - L - R) / 2 : (i * (W - L - R)) / (reports.length - 1));
  const y = (v: number) => T + ((hi - v) * (H - T - B)) / (hi - lo);
  const line = values.map((v, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const guides = [95, 85]
    .filter((g) => g >= lo)
    .map(
      (g) =>
        `<line class="guide" x1="${L}" x2="${W - R}" y1="${y(g)}" y2="${y(g)}"/><text x="4" y="${y(g) + 4}">${g}</text>`,
    )
    .join('');
  const points = reports
    .map(
      (r, i) =>
        `<circle data-testid="score-point" data-date="${esc(r.trade_date)}" data-value="${esc(r.composite)}" cx="${x(i).toFixed(1)}" cy="${y(values[i]).toFixed(1)}" r="3.5" fill="${COLORS[String(r.band)] ?? '#555'}"><title>${esc(r.trade_date)}: ${esc(r.composite)}</title></circle>`,
    )
    .join('');
  const first = String(reports[0].trade_date),
    last = String(reports.at(-1)!.trade_date);
  return `<svg data-testid="score-trend" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="Composite score trend">
  ${guides}<path d="${line}" fill="none" stroke="#3465a4" stroke-width="2"/>${points}
  <text x="${L}" y="${H - 8}">${esc(first)}</text><text x="${W - R}" y="${H - 8}" text-anchor="end">${esc(last)}</text></svg>`;
}

function heatColor(r: number): string {
  // 95 % → red, 99 % → yellow, 100 % → green.
  const t = Math.max(0, Math.min(1, (r - 0.95) / 0.05));
  const hue = t < 0.8 ? (t / 0.8) * 50 : 50 + ((t - 0.8) / 0.2) * 70;
  return `hsl(${hue.toFixed(0)},70%,45%)`;
}

function heatmap(h: DashboardData['heatmap']): string {
  if (h.dates.length === 0) return '<p class="empty">No consistency verdicts yet.</p>';
  const head = h.dates.map((d) => `<th title="${esc(d)}">${esc(d.slice(5))}</th>`).join('');
  const rows = h.boards
    .map((b) => {
      const cells = h.dates
        .map((d) => {
          const r = h.cells[b]?.[d];
          return r === undefined
            ? '<td class="na"></td>'
            : `<td data-testid="heat-cell" data-board="${esc(b)}" data-date="${esc(d)}" data-ratio="${r}" style="background:${heatColor(r)}" title="${esc(b)} ${esc(d)}: ${pct(r)}">${(r * 100).toFixed(1)}</td>`;
        })
        .join('');
      return `<tr><th>${esc(b)}</th>${cells}</tr>`;
    })
    .join('');
  return `<table class="heat" data-testid="heatmap"><thead><tr><th>board</th>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

function quota(q: DashboardData['quota']): string {
  if (q.length === 0)
    return '<p class="empty">No quota metrics (start <code>argus run --metrics-port</code> and pass <code>--metrics-url</code>).</p>';
  return q
    .map((e) => {
      const r = e.ratio ?? 0;
      const color = r >= 0.9 ? COLORS.red : r >= 0.75 ? COLORS.yellow : COLORS.green;
      return `<div class="quota" data-testid="quota-bar" data-endpoint="${esc(e.endpoint)}" data-used="${e.used}" data-limit="${e.limit ?? ''}">
  <span class="label">${esc(e.endpoint)}</span><span class="bar"><span style="width:${Math.min(100, r * 100).toFixed(1)}%;background:${color}"></span></span>
  <span class="num">${e.used} / ${e.limit ?? '∞'} (${pct(e.ratio, 1)})</span></div>`;
    })
    .join('');
}

function quarantine(list: DashboardData['quarantine']): string {
  if (list.length === 0) return '<p class="empty">Nothing quarantined.</p>';
  return `<ul class="quarantine">${list
    .map(
      (
        b,
      ) => `<li data-testid="quarantine-item" data-batch="${esc(b.batch_id)}" data-date="${esc(b.trade_date)}" data-rows="${b.rows}">
  <b>${esc(b.trade_date)}</b> · ${b.rows} rows (${b.inconsistent} inconsistent) · <span class="reason">${esc(b.reason)}</span>
  <ul>${b.row_reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul></li>`,
    )
    .join('')}</ul>`;
}

function alerts(a: DashboardData['alerts']): string {
  const rows = [
    ...a.active.map((e) => ({ ...e, current: true })),
    ...a.recent.map((e) => ({ ...e, current: false })),
  ];
  if (rows.length === 0) return '<p class="empty">No alerts.</p>';
  return `<table class="alerts"><thead><tr><th></th><th>severity</th><th>alert</th><th>status</th><th>at</th><th>summary</th></tr></thead><tbody>${rows
    .map(
      (
        e,
      ) => `<tr data-testid="alert-row" data-active="${e.current}" data-status="${esc(e.status)}" data-severity="${esc(e.severity)}" data-name="${esc(e.name)}">
  <td>${e.current ? '●' : ''}</td><td class="sev ${esc(e.severity)}">${esc(e.severity)}</td><td>${esc(e.name)}</td><td>${esc(e.status)}</td>
  <td>${esc((e.status === 'resolved' ? e.endsAt : e.startsAt) ?? '')}</td><td>${esc(e.annotations?.summary ?? '')}${e.annotations?.resolution ? `<br><small>resolved: ${esc(e.annotations.resolution)}</small>` : ''}</td></tr>`,
    )
    .join('')}</tbody></table>`;
}

function kpis(r: Rec | null): string {
  if (!r) return '<p class="empty">No report.</p>';
  const items: [string, string, string][] = [
    ['dq_com_01', 'DQ-COM-01 completeness', pct(Number(r.dq_com_01), 3)],
    ['dq_acc_01', 'DQ-ACC-01 K-line', pct(Number(r.dq_acc_01), 3)],
    ['dq_con_01', 'DQ-CON-01 consistency', r.dq_con_01 === null ? 'n/a' : pct(Number(r.dq_con_01), 3)],
    ['timeliness_minutes', 'DQ-TIM-01 close → Gold (min)', fix(r.timeliness_minutes, 1)],
    ['key_missing_max', 'Key field missing (max)', pct(Number(r.key_missing_max), 3)],
    ['total_missing_rate', 'All fields missing', pct(Number(r.total_missing_rate), 3)],
    ['uniqueness_ratio', 'Uniqueness', pct(Number(r.uniqueness_ratio), 3)],
    ['validity_ratio', 'Validity', pct(Number(r.validity_ratio), 3)],
  ];
  return `<table class="kpis">${items.map(([k, label, v]) => `<tr><th>${label}</th><td data-testid="kpi-${k}" data-value="${esc(r[k])}">${v}</td></tr>`).join('')}</table>`;
}

function storage(s: DashboardData['storage']): string {
  if (s.length === 0) return '<p class="empty">No tables.</p>';
  return `<table>${s.map((t) => `<tr data-testid="storage-row" data-table="${esc(t.table)}" data-bytes="${t.bytes}"><th>${esc(t.table)}</th><td>${(t.bytes / 1024).toFixed(1)} KiB</td><td>${t.files} files</td></tr>`).join('')}</table>`;
}

export function renderDashboard(
  d: DashboardData,
  opts: { refreshSeconds?: number; title?: string } = {},
): string {
  const latest = d.latest;
  const band = String(latest?.band ?? 'none');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(opts.title ?? 'Argus data quality')}</title>
<meta http-equiv="refresh" content="${opts.refreshSeconds ?? 60}">
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#222}
header{background:#1f2d3d;color:#fff;padding:10px 18px}header h1{font-size:18px;margin:0}
main{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:14px;padding:14px}
.wide{grid-column:1/-1;overflow-x:auto}td{vertical-align:top}
section{background:#fff;border-radius:6px;padding:12px 14px;box-shadow:0 1px 2px #0002}h2{font-size:15px;margin:0 0 8px}
.big{font-size:42px;font-weight:700}.band{display:inline-block;padding:2px 8px;border-radius:10px;color:#fff;margin-left:8px}
.green{background:${COLORS.green}}.yellow{background:${COLORS.yellow}}.red{background:${COLORS.red}}.none{background:#888}
.guide{stroke:#bbb;stroke-dasharray:4 3}svg text{font-size:11px;fill:#666}
table{border-collapse:collapse}th,td{padding:3px 6px;text-align:left}.heat td{color:#fff;text-align:center;font-size:11px;min-width:34px}
.heat th{font-size:11px}.na{background:#eee}.quota{display:flex;align-items:center;gap:8px;margin:4px 0}.quota .label{width:90px}
.bar{flex:1;height:14px;background:#eee;border-radius:7px;overflow:hidden}.bar span{display:block;height:100%}
.num{width:190px;text-align:right;font-variant-numeric:tabular-nums}.empty{color:#888}.reason{color:#a33}
.sev.P0{color:#fff;background:#7b1fa2}.sev.P1{color:#fff;background:${COLORS.red}}.sev.P2{background:${COLORS.yellow}}.sev.P3{background:#ddd}
</style></head><body>
<header><h1>${esc(opts.title ?? 'Argus — data quality')}</h1></header>
<main>
<section><h2>Composite score${latest ? ` — ${esc(latest.trade_date)}` : ''}</h2>
  <span class="big" data-testid="score-today" data-band="${esc(band)}">${latest ? fix(latest.composite) : 'n/a'}</span><span class="band ${esc(band)}">${esc(band)}</span>
  <p>Monthly mean ${esc(d.month.month)}: <b data-testid="month-mean" data-days="${d.month.days}">${d.month.mean === null ? 'n/a' : fix(d.month.mean)}</b>
  over ${d.month.days} day(s) (target ≥ ${d.month.target})</p>${kpis(latest)}</section>
<section class="wide"><h2>Score trend</h2>${scoreTrend(d.reports)}</section>
<section class="wide"><h2>Multi-source consistency by board</h2>${heatmap(d.heatmap)}</section>
<section><h2>Tushare quota</h2>${quota(d.quota)}</section>
<section><h2>Quarantine</h2>${quarantine(d.quarantine)}</section>
<section class="wide"><h2>Alerts</h2>${alerts(d.alerts)}</section>
<section><h2>Storage</h2>${storage(d.storage)}</section>
</main></body></html>`;
}
