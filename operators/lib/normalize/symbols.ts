/**
 * A-share symbols to the canonical `^[03468]\d{5}\.(SH|SZ|BJ)$` form from every spelling the
 * sources use: `600519`, `sh600519`, `SH600519`, `600519.sh`, `600519.XSHG`, `000001.XSHE`,
 * `430047.BJ`/`.BSE`. A bare code takes its exchange from the code's first digit; an explicit
 * exchange that contradicts the code is an error (it usually means a mangled record).
 *
 * @example
 * toSymbol('sh600519');    // '600519.SH'
 * toSymbol('000001.XSHE'); // '000001.SZ'
 * toSymbol('600519');      // '600519.SH'
 */

export const SYMBOL = /^[03468]\d{5}\.(SH|SZ|BJ)$/;

const EXCHANGE_ALIASES: Record<string, string> = {
  SH: 'SH',
  SS: 'SH',
  XSHG: 'SH',
  SSE: 'SH',
  SZ: 'SZ',
  XSHE: 'SZ',
  SZSE: 'SZ',
  BJ: 'BJ',
  BSE: 'BJ',
  BJSE: 'BJ',
};

/** The exchange a code belongs to: 6 → SH, 0/3 → SZ, 4/8 → BJ. */
export function exchangeOf(code: string): 'SH' | 'SZ' | 'BJ' | undefined {
  switch (code[0]) {
    case '6':
      return 'SH';
    case '0':
    case '3':
      return 'SZ';
    case '4':
    case '8':
      return 'BJ';
    default:
      return undefined;
  }
}

export function toSymbol(v: unknown): string {
  if (typeof v !== 'string' && typeof v !== 'number')
    throw new Error(`expected a symbol, got ${v === null ? 'null' : typeof v}`);
  const s = String(v).trim().toUpperCase();
  let code: string | undefined;
  let ex: string | undefined;
  let m: RegExpExecArray | null;
  if ((m = /^(\d{6})$/.exec(s))) code = m[1];
  else if ((m = /^(\d{6})\.([A-Z]+)$/.exec(s))) [code, ex] = [m[1], m[2]];
  else if ((m = /^([A-Z]{2})\.?(\d{6})$/.exec(s))) [ex, code] = [m[1], m[2]];
  if (!code)
    throw new Error(
      `${JSON.stringify(v)} is not an A-share symbol (expected e.g. 600519.SH, sh600519, 600519.XSHG)`,
    );
  const implied = exchangeOf(code);
  if (!implied)
    throw new Error(
      `${JSON.stringify(v)}: code ${code} is not an A-share code (must start with 0, 3, 4, 6 or 8)`,
    );
  if (ex !== undefined) {
    const canon = EXCHANGE_ALIASES[ex];
    if (!canon) throw new Error(`${JSON.stringify(v)}: unknown exchange suffix ${ex}`);
    if (canon !== implied)
      throw new Error(
        `${JSON.stringify(v)}: exchange ${canon} contradicts code ${code} (listed on ${implied})`,
      );
  }
  const out = `${code}.${implied}`;
  if (!SYMBOL.test(out))
    throw new Error(`${JSON.stringify(v)} normalises to ${out}, which is not a valid symbol`);
  return out;
}
