"""Peers of Argus's Gold logic for bench/peers.bench.ts: the same fusion + consistency + hfq + score
as idiomatic vectorised pandas (merge, np.where; no Python loops over rows) and as one DuckDB SQL
query, on the Bronze CSVs the bench wrote. Loading the CSVs is not timed (Argus gets its rows in
memory too); each timed section ends with the full result materialised (a DataFrame; a DuckDB table).
Before the timed repeats each side runs `warmup` times untimed, as Argus does (lazy imports, regex
and plan caches, allocator pools: the first run of a process is slower for pandas and DuckDB too).
Wall time (perf_counter) and CPU time (process_time: every thread of the process, so DuckDB's
worker threads count) are reported per repeat.

  peers.py <dir> <repeats> [warmup=1]
    -> {"rows", "published", "quarantined", "pandas_s": [...], "pandas_cpu_s": [...],
        "duckdb_s": [...], "duckdb_cpu_s": [...]}

The logic mirrors policies/source-priority.yaml, policies/quality.yaml and quality-score.yaml:
- fusion: OHLC from one source (QMT, else Tushare) when all its K-line rules hold, else field by field;
  pre_close/volume/turnover QMT first; adj_factor, pe_ttm, pb_mrq, total_mv, dividend_yield Tushare;
  lineage columns; close/volume per-source copies;
- consistency: per row |qmt - ts| / qmt within tolerance × the day's volatility multiplier (mean
  (high - low) / pre_close; > 5 % → ×2, > 3 % → ×1.5); a day below 99 % consistent is quarantined;
- hfq: price × adj_factor rounded to 4 decimals; a missing factor is derived from the previous day
  (factor × close / pre_close, 3 decimals; the bench's data never misses two days running);
- score: per-row completeness, K-line accuracy, consistency, timeliness (backfill: 100) and
  validity/uniqueness, weighted 0.30/0.25/0.20/0.15/0.10.
"""
import json
import sys
import time

import duckdb
import numpy as np
import pandas as pd

KEY = ['symbol', 'trade_date']
PRICES = ['open', 'high', 'low', 'close', 'pre_close']
KEY_FIELDS = ['open', 'high', 'low', 'close', 'volume', 'turnover', 'adj_factor']


def load(d):
    read = lambda n: pd.read_csv(f'{d}/{n}.csv')
    return read('qmt_hist_kline'), read('tushare_daily'), read('tushare_adj_factor'), read('tushare_daily_basic')


def pandas_gold(q, t, a, b):
    bars = ['open', 'high', 'low', 'close', 'pre_close', 'volume', 'amount']
    m = pd.merge(q[KEY + bars], t[KEY + bars], on=KEY, how='outer', suffixes=('_qmt', '_ts'))
    m = m.merge(a[KEY + ['adj_factor']], on=KEY, how='left').merge(
        b[KEY + ['pe_ttm', 'pb', 'dv_ttm', 'total_mv']], on=KEY, how='left')

    def kline_ok(s):
        o, h, l, c = (m[f'{f}_{s}'] for f in ('open', 'high', 'low', 'close'))
        return (o > 0) & (h > 0) & (l > 0) & (c > 0) & (o <= h) & (o >= l) & (h >= l) & (h >= c) & (c >= l)

    okq, okt = kline_ok('qmt'), kline_ok('ts')
    has_q, has_t = m['close_qmt'].notna(), m['close_ts'].notna()
    for f in ('open', 'high', 'low', 'close'):
        m[f] = np.where(okq, m[f'{f}_qmt'], np.where(okt, m[f'{f}_ts'], np.nan))
    m['close_source'] = np.where(okq, 'miniQMT', np.where(okt, 'Tushare', None))
    for f, src in (('pre_close', 'pre_close'), ('volume', 'volume'), ('turnover', 'amount')):
        vq, vt = m[f'{src}_qmt'], m[f'{src}_ts']
        okf = (lambda v: v > 0) if f == 'pre_close' else (lambda v: v >= 0)
        m[f] = np.where(okf(vq), vq, np.where(okf(vt), vt, np.nan))
        m[f'{f}_source'] = np.where(okf(vq), 'miniQMT', np.where(okf(vt), 'Tushare', None))
    m['pe_ttm'] = m['pe_ttm'].where((m['pe_ttm'] >= 0) & (m['pe_ttm'] <= 10000))
    m['pb_mrq'] = m['pb'].where(m['pb'] > 0)
    m['total_mv'] = m['total_mv'].where(m['total_mv'] > 0)
    dy = m['dv_ttm'] * 0.01
    m['dividend_yield'] = dy.where((dy >= 0) & (dy <= 1))
    m['financials_source'] = np.where(m['pb_mrq'].notna(), 'Tushare', None)
    m['adj_factor'] = m['adj_factor'].where(m['adj_factor'] > 0)
    m['sources_present'] = np.where(has_q & has_t, 'qmt,tushare', np.where(has_q, 'qmt', 'tushare'))

    # Consistency per day with the dynamic tolerance.
    hi = m['high_qmt'].fillna(m['high']).fillna(m['high_ts'])
    lo = m['low_qmt'].fillna(m['low']).fillna(m['low_ts'])
    ref = m['pre_close_qmt'].fillna(m['pre_close']).fillna(m['pre_close_ts'])
    vol_index = ((hi - lo) / ref).groupby(m['trade_date']).transform('mean')
    mult = np.where(vol_index > 0.05, 2.0, np.where(vol_index > 0.03, 1.5, 1.0))
    dc = (m['close_qmt'] - m['close_ts']).abs() / m['close_qmt'].abs()
    dv = (m['volume_qmt'] - m['volume_ts']).abs() / m['volume_qmt'].abs()
    overlap = has_q & has_t
    ok_c = dc <= 0.005 * mult + 1e-12
    ok_v = dv.isna() | (dv <= 0.02 * mult + 1e-12)
    m['dq_consistent'] = np.where(overlap, ok_c & ok_v, None)
    cons = pd.DataFrame({'d': m['trade_date'], 'o': overlap, 'c': overlap & ok_c & ok_v})
    day = cons.groupby('d').agg(o=('o', 'sum'), c=('c', 'sum'))
    ratio = (day['c'] / day['o']).where(day['o'] > 0)
    quarantined_days = set(ratio[ratio < 0.99].index)
    quarantine = m['trade_date'].isin(quarantined_days)

    # hfq: derive a missing factor from the previous day (sorted by symbol, date).
    m.sort_values(KEY, inplace=True, ignore_index=True)
    g = m.groupby('symbol', sort=False)
    prev_f, prev_c = g['adj_factor'].shift(1), g['close'].shift(1)
    derived = np.where(prev_c == m['pre_close'], prev_f, np.round(prev_f * prev_c / m['pre_close'], 3))
    missing = m['adj_factor'].isna()
    m['adj_factor_source'] = np.where(missing & m['pre_close'].notna(), 'System_Calculated', None)
    m['adj_factor'] = np.where(missing, np.where(m['pre_close'].notna(), derived, prev_f), m['adj_factor'])
    for p in PRICES:
        m[f'{p}_raw'] = m[p]
        m[p] = np.round(m[p] * m['adj_factor'], 4)

    # Quality score per row.
    present = m[KEY_FIELDS].notna().sum(axis=1)
    completeness = 100 * present / len(KEY_FIELDS)
    o, h, l, c = m['open'], m['high'], m['low'], m['close']
    kline = (h >= np.maximum(np.maximum(o, c), l)) & (l <= np.minimum(o, c)) & (o > 0) & (h > 0) & (l > 0) & (c > 0)
    accuracy = np.where(kline, 100.0, 0.0)
    consistency = np.where(m['dq_consistent'] == False, 0.0, 100.0)  # noqa: E712 (object column)
    sym_ok = m['symbol'].str.match(r'^[03468]\d{5}\.(SH|SZ|BJ)$')
    checks = [sym_ok, m['pe_ttm'].isna() | m['pe_ttm'].between(0, 10000), m['pb_mrq'].isna() | (m['pb_mrq'] > 0),
              m['adj_factor'].isna() | (m['adj_factor'] > 0), m['volume'].isna() | (m['volume'] >= 0),
              m['turnover'].isna() | (m['turnover'] >= 0), m['total_mv'].isna() | (m['total_mv'] >= 0),
              m['dividend_yield'].isna() | m['dividend_yield'].between(0, 1)]
    failed = sum((~x).astype(int) for x in checks)
    dup = m.duplicated(KEY, keep=False)
    validity = (100 * (1 - failed / len(checks)) + np.where(dup, 0, 100)) / 2
    m['data_quality_score'] = np.round(
        completeness * 0.30 + accuracy * 0.25 + consistency * 0.20 + 100 * 0.15 + validity * 0.10, 2)
    return m[~quarantine], m[quarantine]


DUCK_SQL = """
WITH m AS (
  SELECT coalesce(q.symbol, t.symbol) AS symbol, coalesce(q.trade_date, t.trade_date) AS trade_date,
         q.open AS open_q, q.high AS high_q, q.low AS low_q, q.close AS close_q, q.pre_close AS pre_q,
         q.volume AS vol_q, q.amount AS amt_q,
         t.open AS open_t, t.high AS high_t, t.low AS low_t, t.close AS close_t, t.pre_close AS pre_t,
         t.volume AS vol_t, t.amount AS amt_t
  FROM q FULL OUTER JOIN t ON q.symbol = t.symbol AND q.trade_date = t.trade_date
), k AS (
  SELECT *,
    coalesce(open_q > 0 AND high_q > 0 AND low_q > 0 AND close_q > 0 AND open_q <= high_q AND open_q >= low_q
             AND high_q >= low_q AND high_q >= close_q AND close_q >= low_q, false) AS okq,
    coalesce(open_t > 0 AND high_t > 0 AND low_t > 0 AND close_t > 0 AND open_t <= high_t AND open_t >= low_t
             AND high_t >= low_t AND high_t >= close_t AND close_t >= low_t, false) AS okt
  FROM m
), f AS (
  SELECT k.symbol, k.trade_date,
    CASE WHEN okq THEN open_q WHEN okt THEN open_t END AS open,
    CASE WHEN okq THEN high_q WHEN okt THEN high_t END AS high,
    CASE WHEN okq THEN low_q WHEN okt THEN low_t END AS low,
    CASE WHEN okq THEN close_q WHEN okt THEN close_t END AS close,
    CASE WHEN okq THEN 'miniQMT' WHEN okt THEN 'Tushare' END AS close_source,
    CASE WHEN pre_q > 0 THEN pre_q WHEN pre_t > 0 THEN pre_t END AS pre_close,
    CASE WHEN vol_q >= 0 THEN vol_q WHEN vol_t >= 0 THEN vol_t END AS volume,
    CASE WHEN vol_q >= 0 THEN 'miniQMT' WHEN vol_t >= 0 THEN 'Tushare' END AS volume_source,
    CASE WHEN amt_q >= 0 THEN amt_q WHEN amt_t >= 0 THEN amt_t END AS turnover,
    CASE WHEN a.adj_factor > 0 THEN a.adj_factor END AS adj_factor0,
    CASE WHEN b.pe_ttm BETWEEN 0 AND 10000 THEN b.pe_ttm END AS pe_ttm,
    CASE WHEN b.pb > 0 THEN b.pb END AS pb_mrq,
    CASE WHEN b.total_mv > 0 THEN b.total_mv END AS total_mv,
    CASE WHEN b.dv_ttm * 0.01 BETWEEN 0 AND 1 THEN b.dv_ttm * 0.01 END AS dividend_yield,
    CASE WHEN b.pb > 0 THEN 'Tushare' END AS financials_source,
    close_q AS close_qmt, close_t AS close_ts, vol_q AS volume_qmt, vol_t AS volume_ts,
    close_q IS NOT NULL AND close_t IS NOT NULL AS overlap,
    (coalesce(high_q, high_t) - coalesce(low_q, low_t)) / coalesce(pre_q, pre_t) AS rng
  FROM k LEFT JOIN a ON a.symbol = k.symbol AND a.trade_date = k.trade_date
         LEFT JOIN b ON b.symbol = k.symbol AND b.trade_date = k.trade_date
), c AS (
  SELECT *, CASE WHEN vi > 0.05 THEN 2.0 WHEN vi > 0.03 THEN 1.5 ELSE 1.0 END AS mult
  FROM (SELECT *, avg(rng) OVER (PARTITION BY trade_date) AS vi FROM f)
), c2 AS (
  SELECT *, CASE WHEN overlap THEN
      abs(close_qmt - close_ts) / abs(close_qmt) <= 0.005 * mult + 1e-12
      AND coalesce(abs(volume_qmt - volume_ts) / abs(volume_qmt) <= 0.02 * mult + 1e-12, true) END AS dq_consistent
  FROM c
), d AS (
  SELECT *,
    sum(CASE WHEN dq_consistent THEN 1 ELSE 0 END) OVER (PARTITION BY trade_date) /
      nullif(sum(CASE WHEN overlap THEN 1 ELSE 0 END) OVER (PARTITION BY trade_date), 0) AS day_ratio,
    lag(adj_factor0) OVER w AS prev_f, lag(close) OVER w AS prev_c
  FROM c2 WINDOW w AS (PARTITION BY symbol ORDER BY trade_date)
), h AS (
  SELECT *,
    CASE WHEN adj_factor0 IS NOT NULL THEN adj_factor0
         WHEN pre_close IS NULL THEN prev_f
         WHEN prev_c = pre_close THEN prev_f
         ELSE round(prev_f * prev_c / pre_close, 3) END AS adj_factor,
    CASE WHEN adj_factor0 IS NULL AND pre_close IS NOT NULL THEN 'System_Calculated' END AS adj_factor_source
  FROM d
), g AS (
  SELECT symbol, trade_date, close_source, volume, volume_source, turnover, pe_ttm, pb_mrq, total_mv,
    dividend_yield, financials_source, close_qmt, close_ts, volume_qmt, volume_ts, dq_consistent, adj_factor,
    adj_factor_source, open AS open_raw, high AS high_raw, low AS low_raw, close AS close_raw, pre_close AS pre_close_raw,
    round(open * adj_factor, 4) AS open, round(high * adj_factor, 4) AS high, round(low * adj_factor, 4) AS low,
    round(close * adj_factor, 4) AS close, round(pre_close * adj_factor, 4) AS pre_close,
    coalesce(day_ratio < 0.99, false) AS quarantined,
    count(*) OVER (PARTITION BY symbol, trade_date) > 1 AS dup
  FROM h
)
SELECT *, round(
  0.30 * 100 * ((open IS NOT NULL)::INT + (high IS NOT NULL)::INT + (low IS NOT NULL)::INT + (close IS NOT NULL)::INT
    + (volume IS NOT NULL)::INT + (turnover IS NOT NULL)::INT + (adj_factor IS NOT NULL)::INT) / 7.0
  + 0.25 * CASE WHEN high >= greatest(open, close, low) AND low <= least(open, close)
                 AND open > 0 AND high > 0 AND low > 0 AND close > 0 THEN 100 ELSE 0 END
  + 0.20 * CASE WHEN dq_consistent = false THEN 0 ELSE 100 END
  + 0.15 * 100
  + 0.10 * (100 * (1 - (
        (NOT regexp_full_match(symbol, '[03468]\\d{5}\\.(SH|SZ|BJ)'))::INT
      + coalesce(NOT (pe_ttm BETWEEN 0 AND 10000), false)::INT + coalesce(NOT (pb_mrq > 0), false)::INT
      + coalesce(NOT (adj_factor > 0), false)::INT + coalesce(NOT (volume >= 0), false)::INT
      + coalesce(NOT (turnover >= 0), false)::INT + coalesce(NOT (total_mv >= 0), false)::INT
      + coalesce(NOT (dividend_yield BETWEEN 0 AND 1), false)::INT) / 8.0) + CASE WHEN dup THEN 0 ELSE 100 END) / 2,
  2) AS data_quality_score
FROM g
"""


def main():
    d, repeats = sys.argv[1], int(sys.argv[2])
    warmup = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    q, t, a, b = load(d)
    res = {'pandas_s': [], 'pandas_cpu_s': [], 'duckdb_s': [], 'duckdb_cpu_s': []}
    con = duckdb.connect()
    con.execute('PRAGMA threads=2')
    for name, df in (('q', q), ('t', t), ('a', a), ('b', b)):
        con.register(f'{name}_df', df)
        con.execute(f'CREATE TABLE {name} AS SELECT * FROM {name}_df')  # untimed load, like the CSV read
    for i in range(warmup + repeats):
        timed = i >= warmup
        t0, c0 = time.perf_counter(), time.process_time()
        pub, quar = pandas_gold(q, t, a, b)
        if timed:
            res['pandas_s'].append(time.perf_counter() - t0)
            res['pandas_cpu_s'].append(time.process_time() - c0)
        con.execute('DROP TABLE IF EXISTS gold')
        t0, c0 = time.perf_counter(), time.process_time()
        con.execute('CREATE TABLE gold AS ' + DUCK_SQL)
        if timed:
            res['duckdb_s'].append(time.perf_counter() - t0)
            res['duckdb_cpu_s'].append(time.process_time() - c0)
    dpub = con.execute('SELECT count(*) FILTER (WHERE NOT quarantined), count(*) FILTER (WHERE quarantined) FROM gold').fetchone()
    res.update(rows=len(pub) + len(quar), published=len(pub), quarantined=len(quar),
               duckdb_published=dpub[0], duckdb_quarantined=dpub[1],
               pandas_mean_score=round(float(pub['data_quality_score'].mean()), 4) if len(pub) else None,
               duckdb_mean_score=con.execute('SELECT round(avg(data_quality_score), 4) FROM gold WHERE NOT quarantined').fetchone()[0])
    print(json.dumps(res))


if __name__ == '__main__':
    main()
