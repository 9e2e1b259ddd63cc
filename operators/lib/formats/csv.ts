/**
 * Minimal RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF. `parseCsvLine` handles one
 * physical line (quoted newlines are not supported by the streaming file source).
 */
export function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  let field = '';
  let quoted = false;
  while (i < line.length) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      out.push(field);
      field = '';
    } else if (c !== '\r') field += c;
    i++;
  }
  if (quoted) throw new Error('unterminated quoted field');
  out.push(field);
  return out;
}

export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** `"12.5"` → 12.5, `""` → null, anything else stays a string. */
export function inferValue(s: string): unknown {
  if (s === '') return null;
  if (/^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number(s);
  return s;
}
