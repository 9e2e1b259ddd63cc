/**
 * Column type compatibility for schema reviews: which type changes keep every existing reader and
 * every existing value valid (widening) and which do not (narrowing or unrelated).
 */

interface Decimal { p: number; s: number }

function decimal(t: string): Decimal | undefined {
  const m = /^decimal\((\d+),(\d+)\)$/.exec(t);
  return m ? { p: Number(m[1]), s: Number(m[2]) } : undefined;
}

export function normaliseType(type: string): string {
  const t = type.trim().toLowerCase().replace(/\s+/g, '');
  const alias: Record<string, string> = { int: 'integer', bigint: 'long', bool: 'boolean', smallint: 'short', tinyint: 'byte' };
  return alias[t] ?? t;
}

const INTEGER_WIDTH: Record<string, number> = { byte: 1, short: 2, integer: 4, long: 8 };

/** How a type change affects existing data: `same`, `widening` (compatible) or `breaking`. */
export function typeChange(from: string, to: string): 'same' | 'widening' | 'breaking' {
  const a = normaliseType(from);
  const b = normaliseType(to);
  if (a === b) return 'same';
  if (a in INTEGER_WIDTH && b in INTEGER_WIDTH) return INTEGER_WIDTH[b] > INTEGER_WIDTH[a] ? 'widening' : 'breaking';
  if (a === 'float' && b === 'double') return 'widening';
  if (a in INTEGER_WIDTH && b === 'double' && INTEGER_WIDTH[a] <= 4) return 'widening';
  const da = decimal(a);
  const db = decimal(b);
  // Every old value fits when neither the integer digits nor the scale shrink.
  if (da && db) return db.s >= da.s && db.p - db.s >= da.p - da.s ? 'widening' : 'breaking';
  if (a in INTEGER_WIDTH && db) return db.p - db.s >= { byte: 3, short: 5, integer: 10, long: 19 }[a]! ? 'widening' : 'breaking';
  if (a === 'date' && (b === 'timestamp_ntz')) return 'widening';
  return 'breaking';
}
