import { describe, expect, it } from 'vitest';
import { classify } from './errors.ts';

describe('classify', () => {
  it.each([
    [40101, '您的token不对，请确认。', 'auth', false, true, 'P0'],
    [
      40203,
      '抱歉，您没有接口访问权限，权限的具体详情访问：https://tushare.pro/document/1?doc_id=108。',
      'permission',
      false,
      false,
      'P1',
    ],
    [
      40203,
      '抱歉，您每分钟最多访问该接口50次，权限的具体详情访问：https://tushare.pro/document/1?doc_id=108。',
      'rate_minute',
      true,
      false,
      'P2',
    ],
    [
      40203,
      '抱歉，您每天最多访问该接口8000次，权限的具体详情访问：https://tushare.pro/document/1?doc_id=108。',
      'quota_daily',
      false,
      false,
      'P1',
    ],
    [-2001, '参数错误', 'bad_request', false, false, 'P1'],
    [-2002, '没有访问该接口的权限', 'permission', false, false, 'P1'],
    [-1000, '系统内部错误', 'server', true, false, 'P2'],
    [50101, '未知错误', 'unknown', true, false, 'P2'],
  ] as const)('%i %s → %s', (code, msg, kind, retryable, fatal, level) => {
    expect(classify(code, msg)).toEqual({ kind, retryable, fatal, level });
  });
});
