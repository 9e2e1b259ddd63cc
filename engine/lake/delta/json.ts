/**
 * Bigint-safe JSON for file statistics. `JSON.stringify` loses digits past 2^53 and `JSON.parse`
 * rounds them, and wrong stats silently drop rows in readers that skip files, so stats go through
 * these two functions.
 */

/** A number written verbatim (e.g. the exact text of a decimal, `12.3400`). */
export class RawNumber {
  constructor(readonly text: string) {}
}

/**
 * JSON text of `value`; bigints and {@link RawNumber}s are written as exact number text.
 * @example stringifyExact({ n: 9007199254740993n, d: new RawNumber('1.50') }) // '{"n":9007199254740993,"d":1.50}'
 */
export function stringifyExact(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof RawNumber) return value.text;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stringifyExact).join(',')}]`;
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined) continue;
    parts.push(`${JSON.stringify(k)}:${stringifyExact(v)}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * Parses JSON; integers beyond ±2^53 become bigints, other numbers stay numbers.
 * @example parseExact('{"n":9007199254740993}').n // 9007199254740993n
 */
export function parseExact(text: string): unknown {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const out: Record<string, unknown> = {};
      ws();
      if (text[i] === '}') return i++, out;
      for (;;) {
        ws();
        const key = str();
        ws();
        if (text[i++] !== ':') throw new SyntaxError(`parseExact: expected ':' at ${i - 1}`);
        out[key] = value();
        ws();
        const d = text[i++];
        if (d === '}') return out;
        if (d !== ',') throw new SyntaxError(`parseExact: expected ',' or '}' at ${i - 1}`);
      }
    }
    if (c === '[') {
      i++;
      const out: unknown[] = [];
      ws();
      if (text[i] === ']') return i++, out;
      for (;;) {
        out.push(value());
        ws();
        const d = text[i++];
        if (d === ']') return out;
        if (d !== ',') throw new SyntaxError(`parseExact: expected ',' or ']' at ${i - 1}`);
      }
    }
    if (c === '"') return str();
    if (text.startsWith('true', i)) return (i += 4), true;
    if (text.startsWith('false', i)) return (i += 5), false;
    if (text.startsWith('null', i)) return (i += 4), null;
    const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) throw new SyntaxError(`parseExact: unexpected '${c}' at ${i}`);
    i += m[0].length;
    if (!m[1] && !m[2]) {
      const n = Number(m[0]);
      return Number.isSafeInteger(n) ? n : BigInt(m[0]);
    }
    return Number(m[0]);
  };
  const str = (): string => {
    if (text[i] !== '"') throw new SyntaxError(`parseExact: expected string at ${i}`);
    let j = i + 1;
    while (text[j] !== '"') {
      if (j >= text.length) throw new SyntaxError('parseExact: unterminated string');
      j += text[j] === '\\' ? 2 : 1;
    }
    const s = JSON.parse(text.slice(i, j + 1)) as string;
    i = j + 1;
    return s;
  };
  const v = value();
  ws();
  if (i !== text.length) throw new SyntaxError(`parseExact: trailing text at ${i}`);
  return v;
}
