/**
 * A small, safe expression language for filters and rules, compiled to closures (no `eval`):
 * field names (dotted for nesting), numbers, strings, `true/false/null`, `+ - * / %`,
 * comparisons, `&& || !`, `a ? b : c` and the functions in {@link FUNCTIONS}.
 * Errors carry the column, so the engine can point at the exact spot in the YAML.
 *
 * @example
 * const keep = compileExpression('close > 0 && high >= max(open, close, low)');
 * keep({ open: 10, high: 11, low: 9, close: 10.5 }); // true
 */
import { FUNCTIONS } from './functions.ts';
import { ExpressionError, tokenize, type Token } from './lexer.ts';

export type Evaluator = (record: Record<string, unknown>) => unknown;

const BINARY: Record<string, [number, (a: any, b: any) => unknown]> = {
  '||': [1, (a, b) => a || b],
  '&&': [2, (a, b) => a && b],
  '==': [3, (a, b) => a === b || (a == null && b == null)],
  '!=': [3, (a, b) => !(a === b || (a == null && b == null))],
  '<': [4, (a, b) => a < b],
  '<=': [4, (a, b) => a <= b],
  '>': [4, (a, b) => a > b],
  '>=': [4, (a, b) => a >= b],
  '+': [5, (a, b) => a + b],
  '-': [5, (a, b) => a - b],
  '*': [6, (a, b) => a * b],
  '/': [6, (a, b) => a / b],
  '%': [6, (a, b) => a % b],
};

class Parser {
  private i = 0;
  constructor(private readonly t: Token[]) {}

  parse(): Evaluator {
    const e = this.ternary();
    const rest = this.t[this.i];
    if (rest.kind !== 'eof') throw new ExpressionError(`unexpected "${rest.text}"`, rest.col);
    return e;
  }

  private peek(): Token {
    return this.t[this.i];
  }

  private expect(text: string): void {
    const tok = this.t[this.i++];
    if (tok.text !== text)
      throw new ExpressionError(
        `expected "${text}" but found ${tok.kind === 'eof' ? 'end of expression' : `"${tok.text}"`}`,
        tok.col,
      );
  }

  private ternary(): Evaluator {
    const cond = this.binary(1);
    if (this.peek().text !== '?') return cond;
    this.i++;
    const a = this.ternary();
    this.expect(':');
    const b = this.ternary();
    return (r) => (cond(r) ? a(r) : b(r));
  }

  private binary(minPrec: number): Evaluator {
    let left = this.unary();
    for (;;) {
      const op = this.peek();
      const entry = op.kind === 'op' ? BINARY[op.text] : undefined;
      if (!entry || entry[0] < minPrec) return left;
      this.i++;
      const right = this.binary(entry[0] + 1);
      const [, fn] = entry;
      const l = left;
      if (op.text === '&&') left = (r) => l(r) && right(r);
      else if (op.text === '||') left = (r) => l(r) || right(r);
      else left = (r) => fn(l(r), right(r));
    }
  }

  private unary(): Evaluator {
    const tok = this.peek();
    if (tok.text === '!' || tok.text === '-') {
      this.i++;
      const e = this.unary();
      return tok.text === '!' ? (r) => !e(r) : (r) => -(e(r) as number);
    }
    return this.primary();
  }

  private primary(): Evaluator {
    const tok = this.t[this.i++];
    if (tok.kind === 'num' || tok.kind === 'str') {
      const v = tok.value;
      return () => v;
    }
    if (tok.text === '(') {
      const e = this.ternary();
      this.expect(')');
      return e;
    }
    if (tok.kind === 'ident') {
      if (tok.text === 'true') return () => true;
      if (tok.text === 'false') return () => false;
      if (tok.text === 'null') return () => null;
      if (this.peek().text === '(') return this.call(tok);
      const path = tok.text.split('.');
      if (path.length === 1) {
        const key = path[0];
        return (r) => r[key] ?? null;
      }
      return (r) =>
        path.reduce<unknown>(
          (o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined),
          r,
        ) ?? null;
    }
    throw new ExpressionError(
      tok.kind === 'eof' ? 'unexpected end of expression' : `unexpected "${tok.text}"`,
      tok.col,
    );
  }

  private call(name: Token): Evaluator {
    const f = FUNCTIONS[name.text];
    if (!f)
      throw new ExpressionError(
        `unknown function "${name.text}" (known: ${Object.keys(FUNCTIONS).join(', ')})`,
        name.col,
      );
    this.expect('(');
    const args: Evaluator[] = [];
    if (this.peek().text !== ')') {
      do args.push(this.ternary());
      while (this.peek().text === ',' && this.i++);
    }
    this.expect(')');
    const [lo, hi] = f.arity;
    if (args.length < lo || args.length > hi)
      throw new ExpressionError(
        `${name.text}() takes ${lo === hi ? lo : `${lo}–${hi}`} argument(s), got ${args.length}`,
        name.col,
      );
    return (r) => f.fn(...args.map((a) => a(r)));
  }
}

/** Compiles an expression; throws {@link ExpressionError} with the column of the problem. */
export function compileExpression(src: string): Evaluator {
  return new Parser(tokenize(src)).parse();
}

export { ExpressionError };
