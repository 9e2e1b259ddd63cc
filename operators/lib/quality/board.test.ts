import { describe, expect, it } from 'vitest';
import { BOARDS, board, boardIndex } from './board.ts';

describe('board', () => {
  it('names the listing segment by the symbol prefix, and boardIndex indexes BOARDS alike', () => {
    const cases: [unknown, string][] = [
      ['688981.SH', 'STAR'],
      ['689009.SH', 'STAR'],
      ['600519.SH', 'SH Main'],
      ['300750.SZ', 'ChiNext'],
      ['000001.SZ', 'SZ Main'],
      ['430047.BJ', 'BSE'],
      ['830799.BJ', 'BSE'],
      ['920001.BJ', 'BSE'],
      ['XYZ', 'Other'],
      [null, 'Other'],
    ];
    for (const [symbol, name] of cases) {
      expect(board(symbol)).toBe(name);
      expect(BOARDS[boardIndex(symbol)]).toBe(name);
    }
  });
});
