/**
 * The simulated instrument universe: the ten real stocks plus synthetic A-shares spread over the
 * boards in roughly the real proportions (SSE main, STAR, SZSE main, ChiNext, BSE), with listing
 * dates, IPOs and delistings inside the simulated range. Deterministic for a seed.
 *
 * @example
 * const u = buildUniverse({ count: 5400, seed: 1, from: '20240101', to: '20241231', calendar, real });
 * u[0].ts_code; // '000001.SZ' (real layer first)
 */
import { dayNumber, fromDayNumber } from './dates.ts';
import type { RealSeries } from './real.ts';
import { hash, stream } from './rng.ts';

export interface Instrument {
  ts_code: string;
  /** Bare six-digit code. */
  symbol: string;
  name: string;
  area: string;
  industry: string;
  market: '主板' | '创业板' | '科创板' | '北交所';
  exchange: 'SSE' | 'SZSE' | 'BSE';
  list_date: string;
  delist_date: string | null;
  list_status: 'L' | 'D' | 'P';
  /** Daily price limit as a fraction (0.1 main boards, 0.2 STAR/ChiNext, 0.3 BSE). */
  limit: number;
  real: boolean;
}

interface Board {
  market: Instrument['market'];
  exchange: Instrument['exchange'];
  suffix: 'SH' | 'SZ' | 'BJ';
  lo: number;
  hi: number;
  share: number;
  limit: number;
  since: string;
}

const BOARDS: Board[] = [
  {
    market: '主板',
    exchange: 'SSE',
    suffix: 'SH',
    lo: 600000,
    hi: 606000,
    share: 0.31,
    limit: 0.1,
    since: '19901219',
  },
  {
    market: '科创板',
    exchange: 'SSE',
    suffix: 'SH',
    lo: 688000,
    hi: 689000,
    share: 0.105,
    limit: 0.2,
    since: '20190722',
  },
  {
    market: '主板',
    exchange: 'SZSE',
    suffix: 'SZ',
    lo: 1,
    hi: 3000,
    share: 0.28,
    limit: 0.1,
    since: '19910403',
  },
  {
    market: '创业板',
    exchange: 'SZSE',
    suffix: 'SZ',
    lo: 300001,
    hi: 302000,
    share: 0.25,
    limit: 0.2,
    since: '20091030',
  },
  {
    market: '北交所',
    exchange: 'BSE',
    suffix: 'BJ',
    lo: 830000,
    hi: 874000,
    share: 0.055,
    limit: 0.3,
    since: '20211115',
  },
];

const PREFIX = [
  '华',
  '中',
  '海',
  '金',
  '东方',
  '长江',
  '宏',
  '新',
  '天',
  '国',
  '恒',
  '润',
  '瑞',
  '嘉',
  '富',
  '安',
  '通',
  '大',
  '明',
  '光',
];
const MIDDLE = [
  '信',
  '达',
  '鑫',
  '泰',
  '远',
  '盛',
  '科',
  '创',
  '源',
  '宇',
  '联',
  '电',
  '能',
  '力',
  '星',
  '辰',
  '德',
  '和',
  '建',
  '隆',
];
const SUFFIX = [
  '股份',
  '科技',
  '电子',
  '医药',
  '材料',
  '能源',
  '控股',
  '集团',
  '智能',
  '新材',
  '生物',
  '精密',
  '环境',
  '传媒',
  '实业',
];
const INDUSTRIES = [
  '银行',
  '证券',
  '保险',
  '白酒',
  '家用电器',
  '汽车整车',
  '汽车配件',
  '化学制药',
  '生物制药',
  '医疗保健',
  '半导体',
  '元器件',
  '软件服务',
  '通信设备',
  '电气设备',
  '新型电力',
  '化工原料',
  '钢铁',
  '小金属',
  '建筑工程',
  '全国地产',
  '食品',
  '服饰',
  '专用机械',
  '机械基件',
  '运输设备',
  '环境保护',
  '互联网',
  '影视音像',
  '农业综合',
];
const AREAS = [
  '北京',
  '上海',
  '深圳',
  '广东',
  '浙江',
  '江苏',
  '山东',
  '福建',
  '四川',
  '湖北',
  '湖南',
  '安徽',
  '河南',
  '河北',
  '辽宁',
  '陕西',
  '重庆',
  '天津',
  '江西',
  '云南',
];

function marketOf(ts: string): Pick<Instrument, 'market' | 'exchange' | 'limit'> {
  const code = +ts.slice(0, 6);
  const b = BOARDS.find((x) => ts.endsWith(x.suffix) && code >= x.lo && code < x.hi) ?? BOARDS[0];
  return { market: b.market, exchange: b.exchange, limit: b.limit };
}

export interface UniverseOptions {
  count: number;
  seed: number;
  from: string;
  to: string;
  real: Map<string, RealSeries>;
}

/** Builds `count` instruments (real ones first), sorted by ts_code. */
export function buildUniverse(o: UniverseOptions): Instrument[] {
  const out: Instrument[] = [];
  const taken = new Set<string>();
  for (const s of [...o.real.values()].slice(0, o.count)) {
    out.push({
      ts_code: s.ts_code,
      symbol: s.ts_code.slice(0, 6),
      name: s.name,
      area: s.ts_code.endsWith('SZ') ? '深圳' : '上海',
      industry: s.industry,
      ...marketOf(s.ts_code),
      list_date: s.list_date,
      delist_date: null,
      list_status: 'L',
      real: true,
    });
    taken.add(s.ts_code);
  }
  const synthetic = Math.max(0, o.count - out.length);
  const fromN = dayNumber(o.from);
  const toN = dayNumber(o.to);
  let made = 0;
  BOARDS.forEach((b, bi) => {
    const k = bi === BOARDS.length - 1 ? synthetic - made : Math.round(synthetic * b.share);
    const r = stream(hash(o.seed, 'board', bi));
    const stride = (b.hi - b.lo) / Math.max(k, 1);
    for (let i = 0; i < k; i++) {
      let code = b.lo + Math.floor(i * stride + r() * stride * 0.8);
      let ts = `${String(code).padStart(6, '0')}.${b.suffix}`;
      while (taken.has(ts)) ts = `${String(++code).padStart(6, '0')}.${b.suffix}`;
      taken.add(ts);
      out.push(syntheticInstrument(ts, b, o.seed, fromN, toN));
      made++;
    }
  });
  return out.sort((a, b) => (a.ts_code < b.ts_code ? -1 : 1));
}

function syntheticInstrument(ts: string, b: Board, seed: number, fromN: number, toN: number): Instrument {
  const r = stream(hash(seed, 'inst', ts));
  const name =
    PREFIX[Math.floor(r() * PREFIX.length)] +
    MIDDLE[Math.floor(r() * MIDDLE.length)] +
    SUFFIX[Math.floor(r() * SUFFIX.length)];
  const sinceN = dayNumber(b.since);
  let listN: number;
  const u = r();
  if (u < 0.04 && toN - fromN > 20) listN = fromN + 5 + Math.floor(r() * (toN - fromN - 5));
  else
    listN = Math.max(
      sinceN,
      dayNumber('19910101') + Math.floor(r() * Math.max(1, fromN - 30 - dayNumber('19910101'))),
    );
  if (listN > toN) listN = Math.max(sinceN, fromN - 30);
  const d = r();
  const delisted = d < 0.006 && listN < fromN && toN - fromN > 10;
  const paused = !delisted && d > 0.997 && listN < fromN;
  const delistN = delisted ? fromN + Math.floor(r() * (toN - fromN)) : null;
  return {
    ts_code: ts,
    symbol: ts.slice(0, 6),
    name,
    area: AREAS[Math.floor(r() * AREAS.length)],
    industry: INDUSTRIES[Math.floor(r() * INDUSTRIES.length)],
    market: b.market,
    exchange: b.exchange,
    limit: b.limit,
    list_date: fromDayNumber(listN),
    delist_date: delistN === null ? null : fromDayNumber(delistN),
    list_status: delisted ? 'D' : paused ? 'P' : 'L',
    real: false,
  };
}
