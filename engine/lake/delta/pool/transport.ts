/**
 * Moving column values between threads cheaply. Structured cloning a plain array costs a tag and
 * an allocation per value on both sides; here numbers travel as Float64Arrays and a null mask,
 * strings as one joined string and their lengths (or a dictionary and codes), Dates as epoch ms,
 * booleans as bytes, and every buffer is transferred (moved, not copied).
 *
 * Exactness: the receiving side rebuilds values that the encoders and readers cannot tell apart
 * from the originals (same numbers incl. -0 and NaN, same strings, Dates with the same time, the
 * same sharing of Date objects on the read side). Anything else, e.g. objects of other classes,
 * is refused by {@link packWriteColumn} (the caller encodes that file on the main thread, where the
 * original values give the original errors).
 *
 * @example
 * const p = packWriteColumn(col, true, rows, 0, rows.length); // main thread
 * const values = unpackWriteColumn(p!.packed, rows.length);    // worker: an ArrayLike for buildColumn
 */

/** A column's values for one file, main → worker. Missing values (`null`/`undefined`) are flagged. */
export type WirePacked =
  | { k: 'none' }
  | { k: 'f64'; v: Float64Array; miss?: Uint8Array }
  | { k: 'str'; text: string; lens: Int32Array }
  | { k: 'sdict'; dict: string[]; codes: Int32Array }
  | { k: 'date'; ms: Float64Array; miss?: Uint8Array }
  | { k: 'ddict'; ms: Float64Array; codes: Int32Array }
  | { k: 'bool'; v: Uint8Array }
  | { k: 'any'; v: unknown[] };

const MISSING_STR = -1;
/** A value no column holds (start of a run). */
const NONE = Symbol('none');

/** A value structured cloning keeps exactly as the encoders see it (else the file stays local). */
function cloneable(v: unknown): boolean {
  const t = typeof v;
  if (t === 'string' || t === 'number' || t === 'boolean' || t === 'bigint' || v == null) return true;
  // Plain Dates and byte arrays (a Buffer arrives as a Uint8Array: same bytes, still `instanceof Uint8Array`).
  return v instanceof Date ? Object.getPrototypeOf(v) === Date.prototype : v instanceof Uint8Array;
}

/**
 * Packs rows `idx[lo..hi)` (or `lo..hi` without `idx`) of a column for a worker, with the buffers
 * to transfer. Undefined when the file must be encoded on the main thread instead: a missing
 * value in a non-nullable column (the main thread raises the exact error, with the batch row), or
 * a value that cloning would change.
 */
export function packWriteColumn(
  col: ArrayLike<unknown> | undefined,
  nullable: boolean,
  idx: Int32Array | undefined,
  lo: number,
  hi: number,
): { packed: WirePacked; transfer: ArrayBuffer[] } | undefined {
  const n = hi - lo;
  if (col === undefined) return nullable || n === 0 ? { packed: { k: 'none' }, transfer: [] } : undefined;
  if (ArrayBuffer.isView(col)) {
    if (col instanceof BigInt64Array || col instanceof BigUint64Array || col instanceof DataView) return undefined;
    // Any other typed array holds numbers that a Float64Array holds exactly.
    const v = new Float64Array(n);
    const c = col as unknown as ArrayLike<number>;
    if (idx) for (let k = 0; k < n; k++) v[k] = c[idx[lo + k]];
    else for (let k = 0; k < n; k++) v[k] = c[lo + k];
    return { packed: { k: 'f64', v }, transfer: [v.buffer] };
  }
  if (!Array.isArray(col)) return undefined;
  const a = col as unknown[];
  let first: unknown = null;
  for (let k = lo; k < hi && first == null; k++) first = a[idx ? idx[k] : k];
  if (first == null && !nullable && n > 0) return undefined;
  const t = typeof first;
  const out =
    t === 'number' ? packNumbers(a, nullable, idx, lo, n)
    : t === 'string' ? packStrings(a, nullable, idx, lo, n)
    : first instanceof Date && Object.getPrototypeOf(first) === Date.prototype ? packDates(a, nullable, idx, lo, n)
    : t === 'boolean' ? packBooleans(a, nullable, idx, lo, n)
    : undefined;
  return out ?? packAny(a, nullable, idx, lo, n);
}

function packNumbers(a: unknown[], nullable: boolean, idx: Int32Array | undefined, lo: number, n: number): ReturnType<typeof packWriteColumn> {
  const v = new Float64Array(n);
  let miss: Uint8Array | undefined;
  for (let k = 0; k < n; k++) {
    const x = a[idx ? idx[lo + k] : lo + k];
    if (typeof x === 'number') v[k] = x;
    else if (x == null && nullable) (miss ??= new Uint8Array(n))[k] = 1;
    else return undefined;
  }
  return { packed: { k: 'f64', v, miss }, transfer: miss ? [v.buffer as ArrayBuffer, miss.buffer as ArrayBuffer] : [v.buffer as ArrayBuffer] };
}

/** Distinct values up to which a string or Date column of a file travels as a dictionary and codes. */
const WIRE_DICT = 256;

function packStrings(a: unknown[], nullable: boolean, idx: Int32Array | undefined, lo: number, n: number): ReturnType<typeof packWriteColumn> {
  return stringDictionary(a, nullable, idx, lo, n) ?? joinStrings(a, nullable, idx, lo, n);
}

/**
 * A repetitive column as its distinct keys (`keyOf` of each value; undefined = a value this wire
 * form cannot carry) and a code per row (-1 = missing): cheaper than per-row values on this side,
 * and the other side rebuilds no value per row. Gives up (undefined) past `most` distinct keys
 * (at most a quarter of the rows), e.g. on symbols. Runs of the same value (a day's
 * `last_verified_utc`) cost one comparison.
 */
function wireDictionary<K>(
  a: unknown[],
  nullable: boolean,
  idx: Int32Array | undefined,
  lo: number,
  n: number,
  keyOf: (x: unknown) => K | undefined,
  most = WIRE_DICT,
): { dict: K[]; codes: Int32Array<ArrayBuffer> } | undefined {
  const codes = new Int32Array(n);
  const ids = new Map<K, number>();
  const dict: K[] = [];
  const limit = Math.min(most, n >> 2);
  let prev: unknown = NONE;
  let prevCode = -1;
  for (let k = 0; k < n; k++) {
    const x = a[idx ? idx[lo + k] : lo + k];
    if (x === prev) {
      codes[k] = prevCode;
      continue;
    }
    if (x == null) {
      if (!nullable) return undefined;
      codes[k] = -1;
      continue;
    }
    const key = keyOf(x);
    if (key === undefined) return undefined;
    let c = ids.get(key);
    if (c === undefined) {
      c = dict.length;
      if (c >= limit) return undefined;
      ids.set(key, c);
      dict.push(key);
    }
    codes[k] = prevCode = c;
    prev = x;
  }
  return { dict, codes };
}

/** Sources, ratings: repetitive strings as a dictionary and codes. */
function stringDictionary(a: unknown[], nullable: boolean, idx: Int32Array | undefined, lo: number, n: number): ReturnType<typeof packWriteColumn> {
  const w = wireDictionary(a, nullable, idx, lo, n, (x) => (typeof x === 'string' ? x : undefined));
  return w && { packed: { k: 'sdict', dict: w.dict, codes: w.codes }, transfer: [w.codes.buffer] };
}

function joinStrings(a: unknown[], nullable: boolean, idx: Int32Array | undefined, lo: number, n: number): ReturnType<typeof packWriteColumn> {
  const lens = new Int32Array(n);
  const parts: string[] = new Array(n);
  for (let k = 0; k < n; k++) {
    const x = a[idx ? idx[lo + k] : lo + k];
    if (typeof x === 'string') {
      parts[k] = x;
      lens[k] = x.length;
    } else if (x == null && nullable) {
      parts[k] = '';
      lens[k] = MISSING_STR;
    } else return undefined;
  }
  // One flat string: cloning copies its characters once instead of serialising n strings.
  return { packed: { k: 'str', text: parts.join(''), lens }, transfer: [lens.buffer] };
}

/**
 * Dates as epoch ms (the encoder reads only the time): a dictionary of distinct times and a code
 * per row while there are few (a Gold day has one `last_verified_utc`), else one time per row.
 */
function packDates(a: unknown[], nullable: boolean, idx: Int32Array | undefined, lo: number, n: number): ReturnType<typeof packWriteColumn> {
  return dateDictionary(a, nullable, idx, lo, n) ?? dateTimes(a, nullable, idx, lo, n);
}

function dateDictionary(a: unknown[], nullable: boolean, idx: Int32Array | undefined, lo: number, n: number): ReturnType<typeof packWriteColumn> {
  // By time, not identity: equal times are equal to the encoder. NaN (an invalid Date) is a Map key
  // like any other and comes back as an invalid Date.
  const w = wireDictionary(a, nullable, idx, lo, n, (x) => (isPlainDate(x) ? x.getTime() : undefined));
  if (!w) return undefined;
  const ms = Float64Array.from(w.dict);
  return { packed: { k: 'ddict', ms, codes: w.codes }, transfer: [ms.buffer, w.codes.buffer] };
}

const isPlainDate = (x: unknown): x is Date => x instanceof Date && Object.getPrototypeOf(x) === Date.prototype;

function dateTimes(a: unknown[], nullable: boolean, idx: Int32Array | undefined, lo: number, n: number): ReturnType<typeof packWriteColumn> {
  const ms = new Float64Array(n);
  let miss: Uint8Array | undefined;
  for (let k = 0; k < n; k++) {
    const x = a[idx ? idx[lo + k] : lo + k];
    if (isPlainDate(x)) ms[k] = x.getTime();
    else if (x == null && nullable) (miss ??= new Uint8Array(n))[k] = 1;
    else return undefined;
  }
  return { packed: { k: 'date', ms, miss }, transfer: miss ? [ms.buffer as ArrayBuffer, miss.buffer as ArrayBuffer] : [ms.buffer as ArrayBuffer] };
}

function packBooleans(a: unknown[], nullable: boolean, idx: Int32Array | undefined, lo: number, n: number): ReturnType<typeof packWriteColumn> {
  const v = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const x = a[idx ? idx[lo + k] : lo + k];
    if (x === true) v[k] = 1;
    else if (x === false) v[k] = 0;
    else if (x == null && nullable) v[k] = 2;
    else return undefined;
  }
  return { packed: { k: 'bool', v }, transfer: [v.buffer] };
}

/** Mixed values (e.g. decimal strings among numbers): a cloned array, if cloning keeps them. */
function packAny(a: unknown[], nullable: boolean, idx: Int32Array | undefined, lo: number, n: number): ReturnType<typeof packWriteColumn> {
  const v: unknown[] = new Array(n);
  for (let k = 0; k < n; k++) {
    const x = a[idx ? idx[lo + k] : lo + k];
    if ((x == null && !nullable) || !cloneable(x)) return undefined;
    v[k] = x;
  }
  return { packed: { k: 'any', v }, transfer: [] };
}

/** The worker-side values of a packed column (an ArrayLike the column encoder reads; undefined = absent). */
export function unpackWriteColumn(p: WirePacked, n: number): ArrayLike<unknown> | undefined {
  switch (p.k) {
    case 'none':
      return undefined;
    case 'f64': {
      if (!p.miss) return p.v;
      const out: unknown[] = new Array(n);
      for (let k = 0; k < n; k++) out[k] = p.miss[k] ? null : p.v[k];
      return out;
    }
    case 'str': {
      const out: unknown[] = new Array(n);
      let at = 0;
      for (let k = 0; k < n; k++) {
        const len = p.lens[k];
        if (len === MISSING_STR) out[k] = null;
        else {
          out[k] = p.text.substring(at, at + len);
          at += len;
        }
      }
      return out;
    }
    case 'sdict': {
      const out: unknown[] = new Array(n);
      const { dict, codes } = p;
      for (let k = 0; k < n; k++) out[k] = codes[k] < 0 ? null : dict[codes[k]];
      return out;
    }
    case 'date': {
      const out: unknown[] = new Array(n);
      for (let k = 0; k < n; k++) out[k] = p.miss?.[k] ? null : new Date(p.ms[k]);
      return out;
    }
    case 'ddict': {
      const dates = Array.from(p.ms, (t) => new Date(t));
      const out: unknown[] = new Array(n);
      const { codes } = p;
      for (let k = 0; k < n; k++) out[k] = codes[k] < 0 ? null : dates[codes[k]];
      return out;
    }
    case 'bool': {
      const out: unknown[] = new Array(n);
      for (let k = 0; k < n; k++) out[k] = p.v[k] === 2 ? null : p.v[k] === 1;
      return out;
    }
    case 'any':
      return p.v;
  }
}

/** A decoded column of one file, worker → main. */
export type ReadPacked =
  | { k: 'f64'; v: Float64Array }
  | { k: 'num'; v: Float64Array; nul?: Uint8Array }
  | { k: 'dict'; dict: string[]; codes: Int32Array }
  /** Codes into the worker's string table (see {@link StringTable}); -1 = null. */
  | { k: 'interned'; codes: Int32Array }
  | { k: 'dates'; ms: Float64Array; codes: Int32Array }
  | { k: 'bool'; v: Uint8Array }
  | { k: 'any'; v: unknown[] };

/**
 * Packs a decoded column (a Float64Array, or a plain array of reader values) for the main thread.
 * Strings and Dates go as a dictionary plus codes (-1 = null): repetitive columns then cost one
 * string/Date per distinct value on the main thread, and Dates keep the sharing the reader gave
 * them (rows of one dictionary entry share one Date object).
 */
export function packReadColumn(col: unknown[] | Float64Array, table?: StringTable): { packed: ReadPacked; transfer: ArrayBuffer[] } {
  if (col instanceof Float64Array) return { packed: { k: 'f64', v: col }, transfer: [col.buffer as ArrayBuffer] };
  const n = col.length;
  let first: unknown = null;
  for (let i = 0; i < n && first === null; i++) first = col[i];
  const t = typeof first;
  const out =
    t === 'number' ? readNumbers(col)
    : t === 'string' ? (readStrings(col) ?? (table && internStrings(col, table)))
    : first instanceof Date && Object.getPrototypeOf(first) === Date.prototype ? readDates(col)
    : t === 'boolean' ? readBooleans(col)
    : undefined;
  return out ?? { packed: { k: 'any', v: col }, transfer: [] };
}

/** A numeric column decoded as values plus a null mask (1 = null). */
export function packMaskedNumbers(v: Float64Array, nulls: Uint8Array): { packed: ReadPacked; transfer: ArrayBuffer[] } {
  const any = nulls.indexOf(1) >= 0;
  return { packed: { k: 'num', v, nul: any ? nulls : undefined }, transfer: any ? [v.buffer as ArrayBuffer, nulls.buffer as ArrayBuffer] : [v.buffer as ArrayBuffer] };
}

function readNumbers(col: unknown[]): ReturnType<typeof packReadColumn> | undefined {
  const n = col.length;
  const v = new Float64Array(n);
  let nul: Uint8Array | undefined;
  for (let i = 0; i < n; i++) {
    const x = col[i];
    if (typeof x === 'number') v[i] = x;
    else if (x === null) (nul ??= new Uint8Array(n))[i] = 1;
    else return undefined;
  }
  return { packed: { k: 'num', v, nul }, transfer: nul ? [v.buffer as ArrayBuffer, nul.buffer as ArrayBuffer] : [v.buffer as ArrayBuffer] };
}

/** Distinct strings beyond which a column is sent as it is (cloned): see {@link readStrings}. */
const DICT_LIMIT = 1024;

/**
 * A repetitive string column as a dictionary and codes; undefined (send the array) for columns of
 * mostly distinct strings such as symbols: hashing a million fresh strings into a Map cost the
 * worker ~3× more than cloning them, and the main thread allocates one string per row either way.
 */
function readStrings(col: unknown[]): ReturnType<typeof packReadColumn> | undefined {
  const w = wireDictionary(col, true, undefined, 0, col.length, (x) => (typeof x === 'string' ? x : undefined), DICT_LIMIT);
  return w && { packed: { k: 'dict', dict: w.dict, codes: w.codes }, transfer: [w.codes.buffer] };
}

/**
 * A worker's table of the mostly distinct strings it sent (symbols), mirrored on the main thread
 * per worker: a string crosses once per worker, later files send only its code, and the main
 * thread allocates one string per distinct symbol instead of one per row (materialising values
 * is most of a read's main-thread time). Each answer carries the strings added since the last
 * one (`fresh`), in the order answers are posted; past `cap` entries the table starts over
 * (`reset`) at the next file, so memory stays bounded.
 */
export class StringTable {
  private ids = new Map<string, number>();
  private fresh: string[] = [];
  private reset = false;
  constructor(readonly cap = 200_000) {}

  /** Starts a file's answer: resets the table if it is full. */
  begin(): void {
    if (this.ids.size <= this.cap) return;
    this.ids = new Map();
    this.fresh = [];
    this.reset = true;
  }

  code(s: string): number {
    let c = this.ids.get(s);
    if (c === undefined) {
      c = this.ids.size;
      this.ids.set(s, c);
      this.fresh.push(s);
    }
    return c;
  }

  /** What the main thread's mirror needs for the answer being posted (then forgotten here). */
  take(): { reset: boolean; fresh: string[] } | undefined {
    if (!this.fresh.length && !this.reset) return undefined;
    const out = { reset: this.reset, fresh: this.fresh };
    this.fresh = [];
    this.reset = false;
    return out;
  }
}

/** The main thread's copy of one worker's {@link StringTable}: applies an answer's additions. */
export function mirrorStrings(mirror: string[], update: { reset: boolean; fresh: string[] } | undefined): string[] {
  if (!update) return mirror;
  // A reset starts a new array: answers already received keep the one their codes refer to.
  const m = update.reset ? [] : mirror;
  for (const s of update.fresh) m.push(s);
  return m;
}

function internStrings(col: unknown[], table: StringTable): ReturnType<typeof packReadColumn> | undefined {
  const n = col.length;
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const x = col[i];
    if (typeof x === 'string') codes[i] = table.code(x);
    else if (x === null) codes[i] = -1;
    else return undefined; // strings added so far stay in the table (harmless: sent as fresh)
  }
  return { packed: { k: 'interned', codes }, transfer: [codes.buffer] };
}

function readDates(col: unknown[]): ReturnType<typeof packReadColumn> | undefined {
  const n = col.length;
  const codes = new Int32Array(n);
  const ids = new Map<Date, number>(); // by identity: one Date per reader object, as the reader shared them
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = col[i];
    if (isPlainDate(x)) {
      let c = ids.get(x);
      if (c === undefined) {
        c = ms.length;
        ids.set(x, c);
        ms.push(x.getTime());
      }
      codes[i] = c;
    } else if (x === null) codes[i] = -1;
    else return undefined;
  }
  const times = Float64Array.from(ms);
  return { packed: { k: 'dates', ms: times, codes }, transfer: [times.buffer, codes.buffer] };
}

function readBooleans(col: unknown[]): ReturnType<typeof packReadColumn> | undefined {
  const n = col.length;
  const v = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const x = col[i];
    if (x === true) v[i] = 1;
    else if (x === null) v[i] = 2;
    else if (x !== false) return undefined;
  }
  return { packed: { k: 'bool', v }, transfer: [v.buffer] };
}

/**
 * Writes a packed decoded column into `out[offset ..]` (a plain array or a Float64Array); `strings`
 * is the mirror of the sending worker's {@link StringTable} as of this answer.
 */
export function unpackReadColumn(p: ReadPacked, out: unknown[] | Float64Array, offset: number, strings: readonly string[] = []): void {
  const o = out as unknown[];
  switch (p.k) {
    case 'f64':
      if (out instanceof Float64Array) out.set(p.v, offset);
      else for (let i = 0; i < p.v.length; i++) o[offset + i] = p.v[i];
      return;
    case 'num': {
      const { v, nul } = p;
      if (out instanceof Float64Array && !nul) out.set(v, offset);
      else if (!nul) for (let i = 0; i < v.length; i++) o[offset + i] = v[i];
      else for (let i = 0; i < v.length; i++) o[offset + i] = nul[i] ? null : v[i];
      return;
    }
    case 'dict': {
      const { dict, codes } = p;
      for (let i = 0; i < codes.length; i++) o[offset + i] = codes[i] < 0 ? null : dict[codes[i]];
      return;
    }
    case 'interned': {
      const { codes } = p;
      for (let i = 0; i < codes.length; i++) o[offset + i] = codes[i] < 0 ? null : strings[codes[i]];
      return;
    }
    case 'dates': {
      const dates = Array.from(p.ms, (t) => new Date(t));
      const { codes } = p;
      for (let i = 0; i < codes.length; i++) o[offset + i] = codes[i] < 0 ? null : dates[codes[i]];
      return;
    }
    case 'bool': {
      const { v } = p;
      for (let i = 0; i < v.length; i++) o[offset + i] = v[i] === 2 ? null : v[i] === 1;
      return;
    }
    case 'any':
      for (let i = 0; i < p.v.length; i++) o[offset + i] = p.v[i];
      return;
  }
}
