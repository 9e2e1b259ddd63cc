/** Value casts used by `map`. Each throws a message naming the value when it cannot convert. */
export type CastType = 'number' | 'integer' | 'string' | 'boolean' | 'date';

export function cast(value: unknown, to: CastType): unknown {
  if (value === null || value === undefined || value === '') return null;
  switch (to) {
    case 'string':
      return String(value);
    case 'number': {
      const n = typeof value === 'number' ? value : Number(value);
      if (!Number.isFinite(n)) throw new Error(`cannot cast ${JSON.stringify(value)} to number`);
      return n;
    }
    case 'integer': {
      const n = typeof value === 'number' ? value : Number(value);
      if (!Number.isInteger(n)) throw new Error(`cannot cast ${JSON.stringify(value)} to integer`);
      return n;
    }
    case 'boolean':
      if (value === true || value === 'true' || value === 1 || value === '1') return true;
      if (value === false || value === 'false' || value === 0 || value === '0') return false;
      throw new Error(`cannot cast ${JSON.stringify(value)} to boolean`);
    case 'date':
      return toIsoDate(value);
  }
}

/** `20240614`, `2024-06-14`, `2024-06-14T..`, epoch ms → `2024-06-14` (UTC for epoch values). */
export function toIsoDate(value: unknown): string {
  const s = String(value);
  let m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (m) return checkDate(`${m[1]}-${m[2]}-${m[3]}`, value);
  m = /^(\d{4})-(\d{2})-(\d{2})(T.*)?$/.exec(s);
  if (m) return checkDate(`${m[1]}-${m[2]}-${m[3]}`, value);
  if (typeof value === 'number' || /^\d{10,13}$/.test(s)) {
    const ms = Number(s) < 1e11 ? Number(s) * 1000 : Number(s);
    return new Date(ms).toISOString().slice(0, 10);
  }
  throw new Error(`cannot cast ${JSON.stringify(value)} to date`);
}

function checkDate(iso: string, original: unknown): string {
  const d = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso)
    throw new Error(`invalid date ${JSON.stringify(original)}`);
  return iso;
}
