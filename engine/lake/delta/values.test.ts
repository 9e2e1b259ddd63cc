import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseExact, RawNumber, stringifyExact } from './json.ts';
import { decodeAddPath, encodeAddPath, escapeSegment, partitionDir, partitionValueString } from './partitions.ts';
import { fromDays, microsToIso, primOf, toDays, toMicros, toUnscaled, toUnscaledFast, unscaledToText } from './values.ts';

describe('decimal conversion', () => {
  it('rounds half-even to the scale from strings, numbers and bigints', () => {
    expect(toUnscaled('1.23455', 18, 4, 'c')).toBe(12346n); // tie → even (…46)
    expect(toUnscaled('1.23445', 18, 4, 'c')).toBe(12344n); // tie → even (…44)
    expect(toUnscaled('-0.00005', 18, 4, 'c')).toBe(0n);
    expect(toUnscaled('-0.00015', 18, 4, 'c')).toBe(-2n);
    expect(toUnscaled(2.5, 18, 0, 'c')).toBe(2n);
    expect(toUnscaled(3.5, 18, 0, 'c')).toBe(4n);
    expect(toUnscaled(7n, 10, 2, 'c')).toBe(700n);
    expect(toUnscaled('1e3', 10, 2, 'c')).toBe(100000n);
    expect(toUnscaled('12345678901234567890.123456789', 38, 6, 'c')).toBe(12345678901234567890123457n);
    expect(unscaledToText(-5n, 4)).toBe('-0.0005');
    expect(unscaledToText(123400n, 4)).toBe('12.3400');
  });

  it('names the column when a value is invalid or too wide', () => {
    expect(() => toUnscaled('abc', 18, 4, 'close')).toThrow(/column 'close'.*not a decimal/);
    expect(() => toUnscaled(1e6, 5, 2, 'pe')).toThrow(/column 'pe'.*does not fit decimal\(5,2\)/);
    expect(() => toUnscaledFast(1e6, 5, 2, 'pe')).toThrow(/column 'pe'/);
    expect(() => toUnscaled(NaN, 18, 4, 'x')).toThrow(/column 'x'/);
  });

  it('the fast path equals the exact path for any double', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e12, max: 1e12, noNaN: true }), fc.integer({ min: 0, max: 8 }), (v, s) => {
        const exact = toUnscaled(String(v).includes('e') ? v : String(v), 38, s, 'x');
        const fast = toUnscaledFast(v, 38, s, 'x');
        expect(BigInt(fast)).toBe(exact);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('dates, timestamps', () => {
  it('round-trips dates and refuses impossible ones', () => {
    expect(toDays('1970-01-02', 'd')).toBe(1);
    expect(fromDays(toDays('2024-02-29', 'd'))).toBe('2024-02-29');
    expect(fromDays(-1)).toBe('1969-12-31');
    expect(() => toDays('2023-02-29', 'day')).toThrow(/column 'day'.*expected a date/);
    expect(() => toDays(20240101, 'day')).toThrow(/column 'day'/);
  });

  it('keeps microseconds from ISO strings and treats naive strings as UTC', () => {
    expect(toMicros('2024-06-15T19:30:45.123456Z', 't')).toBe(1718479845123456n);
    expect(toMicros('2024-06-15 19:30:45.123456', 't')).toBe(1718479845123456n);
    expect(toMicros(new Date(1000), 't')).toBe(1_000_000n);
    expect(microsToIso(1718479845123456n)).toBe('2024-06-15T19:30:45.123456Z');
    expect(microsToIso(-1n)).toBe('1969-12-31T23:59:59.999999Z');
    expect(() => toMicros('yesterday', 'ts')).toThrow(/column 'ts'/);
  });

  it('parses Delta type names', () => {
    expect(primOf('decimal(18,4)')).toEqual({ kind: 'decimal', precision: 18, scale: 4 });
    expect(() => primOf('decimal(40,2)', 'x')).toThrow(/column 'x'/);
    expect(() => primOf('varchar', 'y')).toThrow(/column 'y': unknown type/);
  });
});

describe('bigint-safe JSON', () => {
  it('writes and reads integers beyond 2^53 exactly and decimals verbatim', () => {
    const text = stringifyExact({ n: 9007199254740993n, d: new RawNumber('12.3400'), s: 'x', z: null, u: undefined });
    expect(text).toBe('{"n":9007199254740993,"d":12.3400,"s":"x","z":null}');
    expect(parseExact(text)).toEqual({ n: 9007199254740993n, d: 12.34, s: 'x', z: null });
    expect(parseExact('[1,-2.5e3,"a\\"b",true,{}]')).toEqual([1, -2500, 'a"b', true, {}]);
    expect(() => parseExact('{"a":1')).toThrow(SyntaxError);
  });
});

describe('partitions', () => {
  const s = primOf('string');
  it('serialises values the way the protocol says', () => {
    expect(partitionValueString('', s, 's')).toBeNull();
    expect(partitionValueString(1, primOf('double'), 'f')).toBe('1.0');
    expect(partitionValueString('1.2', primOf('decimal(10,3)'), 'd')).toBe('1.200');
    expect(partitionValueString(new Date(Date.UTC(2024, 5, 15, 19, 30, 45)), primOf('timestamp'), 't')).toBe('2024-06-15T19:30:45.000000Z');
    expect(partitionValueString('2024-01-02', primOf('date'), 'd')).toBe('2024-01-02');
  });

  it('escapes every byte outside [A-Za-z0-9._-] and survives one URI decode', () => {
    expect(escapeSegment('a/b:c=d%e f é')).toBe('a%2Fb%3Ac%3Dd%25e%20f%20%C3%A9');
    const dir = partitionDir(['s', 'd'], { s: 'a%b', d: null });
    expect(dir).toBe('s=a%25b/d=__HIVE_DEFAULT_PARTITION__');
    expect(decodeAddPath(encodeAddPath(`${dir}/part.parquet`))).toBe(`${dir}/part.parquet`);
    fc.assert(fc.property(fc.string(), (v) => {
      const seg = escapeSegment(v);
      expect(seg).toMatch(/^[A-Za-z0-9._%-]*$/);
      expect(decodeURIComponent(seg)).toBe(v);
    }));
  });
});
