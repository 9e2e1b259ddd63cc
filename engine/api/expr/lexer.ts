/** Tokens of the expression language (see {@link ./compile.ts}). */
export type TokenKind = 'num' | 'str' | 'ident' | 'op' | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  value?: number | string;
  /** 0-based column of the token in the expression. */
  col: number;
}

export class ExpressionError extends Error {
  constructor(
    message: string,
    /** 0-based column in the expression text. */
    readonly col: number,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

const OPS = [
  '&&',
  '||',
  '==',
  '!=',
  '<=',
  '>=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '!',
  '(',
  ')',
  ',',
  '[',
  ']',
  '?',
  ':',
];

export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(src.slice(i));
    if (num) {
      tokens.push({ kind: 'num', text: num[0], value: Number(num[0]), col: i });
      i += num[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let s = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\' && j + 1 < src.length) j++;
        s += src[j++];
      }
      if (j >= src.length) throw new ExpressionError('unterminated string', i);
      tokens.push({ kind: 'str', text: src.slice(i, j + 1), value: s, col: i });
      i = j + 1;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(src.slice(i));
    if (id) {
      tokens.push({ kind: 'ident', text: id[0], col: i });
      i += id[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new ExpressionError(`unexpected character "${c}"`, i);
    tokens.push({ kind: 'op', text: op, col: i });
    i += op.length;
  }
  tokens.push({ kind: 'eof', text: '', col: src.length });
  return tokens;
}
