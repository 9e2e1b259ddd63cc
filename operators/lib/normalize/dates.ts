/**
 * Trade dates to ISO `YYYY-MM-DD`, from what the sources send: `YYYYMMDD` (string or number),
 * epoch milliseconds (xtdata `time`, read as an Asia/Shanghai calendar day), ISO dates and
 * date-times (a date-time with a zone is converted to the Shanghai day; without one it is taken
 * as written). Anything else throws a message that says what was wrong.
 *
 * @example
 * toIsoDate('20240102');       // '2024-01-02'
 * toIsoDate(1704124800000);    // '2024-01-02' (00:00 Shanghai = 16:00Z the day before)
 * toIsoDate('2024-01-02T15:00:00'); // '2024-01-02'
 */

/** China has had no daylight saving since 1991: a fixed +08:00 is exact for market dates. */
const SHANGHAI_OFFSET_MS = 8 * 3600_000;

function checked(y: number, m: number, d: number, raw: unknown): string {
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (
    y < 1900 ||
    y > 2999 ||
    dt.getUTCFullYear() !== y ||
    dt.getUTCMonth() !== m - 1 ||
    dt.getUTCDate() !== d
  )
    throw new Error(`${JSON.stringify(raw)} is not a valid calendar date`);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function fromEpochMs(ms: number, raw: unknown): string {
  const dt = new Date(ms + SHANGHAI_OFFSET_MS);
  return checked(dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate(), raw);
}

const YMD = /^(\d{4})(\d{2})(\d{2})$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

export function toIsoDate(v: unknown): string {
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw new Error('invalid Date');
    return fromEpochMs(v.getTime(), v.toISOString());
  }
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || !Number.isInteger(v))
      throw new Error(`${v} is neither YYYYMMDD nor epoch milliseconds`);
    if (v >= 19000101 && v <= 29991231) return toIsoDate(String(v));
    if (v >= 1e11 && v < 1e14) return fromEpochMs(v, v);
    throw new Error(`${v} is neither YYYYMMDD nor epoch milliseconds`);
  }
  if (typeof v !== 'string') throw new Error(`expected a date, got ${v === null ? 'null' : typeof v}`);
  const s = v.trim();
  let m = YMD.exec(s);
  if (m) return checked(+m[1], +m[2], +m[3], v);
  m = ISO_DATE.exec(s);
  if (m) return checked(+m[1], +m[2], +m[3], v);
  m = ISO_DATETIME.exec(s);
  if (m) {
    const date = checked(+m[1], +m[2], +m[3], v);
    if (!m[8]) return date; // local (Shanghai) wall time as written
    const ms = Date.parse(s.replace(' ', 'T'));
    if (Number.isNaN(ms)) throw new Error(`${JSON.stringify(v)} is not a valid date-time`);
    return fromEpochMs(ms, v);
  }
  if (/^\d{12,13}$/.test(s)) return fromEpochMs(Number(s), v);
  throw new Error(
    `${JSON.stringify(v)} is not a date (expected YYYYMMDD, YYYY-MM-DD, ISO date-time or epoch ms)`,
  );
}
