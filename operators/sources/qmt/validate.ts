/**
 * Row schemas of the QMT agent's payloads (xtdata conventions: volume in 手, amount in yuan,
 * epoch-ms time) and the checks applied to a batched `hist_kline` answer.
 */
import type { RowSchema } from '../tushare/validate.ts';

export const QMT_BAR: RowSchema = {
  types: {
    date: 'date',
    time: 'integer',
    open: 'number',
    high: 'number',
    low: 'number',
    close: 'number',
    volume: 'number',
    amount: 'number',
    preClose: 'number',
    suspendFlag: 'integer',
  },
  required: ['date', 'open', 'high', 'low', 'close', 'volume'],
  key: ['date'],
};

export const QMT_SYMBOL = /^[03468]\d{5}\.(SH|SZ|BJ)$/;
