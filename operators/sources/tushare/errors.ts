/**
 * Tushare error classification (domain §1.2). Tushare answers HTTP 200 with a non-zero `code`:
 * 40101 invalid token → fatal, P0, never retried; 40203 split by message into no permission,
 * per-minute limit (wait and retry) and daily limit (quota exhausted); legacy -2001 bad field,
 * -2002 no permission, -1000 internal error, 50101 unknown error. Network errors and 5xx are
 * retried 1 s, 2 s, 4 s, then the caller fails over.
 *
 * @example
 * classify(40203, '抱歉，您每分钟最多访问该接口50次…').kind; // 'rate_minute'
 */

export type TushareErrorKind =
  | 'auth'
  | 'permission'
  | 'rate_minute'
  | 'quota_daily'
  | 'bad_request'
  | 'server'
  | 'unknown'
  | 'network'
  | 'http'
  | 'malformed';

export interface Classification {
  kind: TushareErrorKind;
  /** Retried with the network back-off schedule. */
  retryable: boolean;
  /** Stops the whole source (no other call can succeed either). */
  fatal: boolean;
  level: 'P0' | 'P1' | 'P2';
}

export function classify(code: number, msg: string): Classification {
  if (code === 40101) return { kind: 'auth', retryable: false, fatal: true, level: 'P0' };
  if (code === 40203) {
    if (/每分钟/.test(msg)) return { kind: 'rate_minute', retryable: true, fatal: false, level: 'P2' };
    if (/每(天|日)/.test(msg)) return { kind: 'quota_daily', retryable: false, fatal: false, level: 'P1' };
    return { kind: 'permission', retryable: false, fatal: false, level: 'P1' };
  }
  if (code === -2001) return { kind: 'bad_request', retryable: false, fatal: false, level: 'P1' };
  if (code === -2002) return { kind: 'permission', retryable: false, fatal: false, level: 'P1' };
  if (code === -1000) return { kind: 'server', retryable: true, fatal: false, level: 'P2' };
  return { kind: 'unknown', retryable: true, fatal: false, level: 'P2' };
}

/** A failed Tushare call, classified. `failover` is set when retries are exhausted on a transient error. */
export class TushareError extends Error {
  override readonly name = 'TushareError';
  readonly retryable: boolean;
  readonly fatal: boolean;
  readonly level: 'P0' | 'P1' | 'P2';
  failover = false;
  constructor(
    readonly kind: TushareErrorKind,
    readonly api: string,
    message: string,
    readonly code?: number,
    c?: Partial<Classification>,
  ) {
    super(`tushare ${api}: ${message}`);
    const dflt =
      kind === 'network' ||
      kind === 'malformed' ||
      kind === 'server' ||
      kind === 'unknown' ||
      kind === 'rate_minute';
    this.retryable = c?.retryable ?? dflt;
    this.fatal = c?.fatal ?? false;
    this.level = c?.level ?? (this.fatal ? 'P0' : 'P1');
  }

  /** From a response's `code`/`msg`. */
  static fromCode(api: string, code: number, msg: string): TushareError {
    const c = classify(code, msg);
    return new TushareError(c.kind, api, `code ${code}: ${msg || '(no message)'}`, code, c);
  }
}
