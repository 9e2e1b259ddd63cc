/**
 * A policy field's values and validity, per source, for a whole indexed trading day: each is one
 * pass over the day's keys, computed on first use and cached for the day (record mode, field mode,
 * cross-field rules and the per-source copies all reuse them).
 *
 * @example
 * const cols = new DayColumns(day, fieldsByName);
 * const closeQmt = cols.numeric(fieldsByName.get('close')!, 'qmt'); // Float64Array, NaN = no number
 * const ok = cols.valid(fieldsByName.get('close')!, 'qmt');          // Uint8Array, 1 = valid
 */
import { column } from '../../../engine/api/index.ts';
import type { DayIndex } from './day-index.ts';
import type { NumberMask } from './masks.ts';
import type { Check } from './rules.ts';

/** Where a field's value comes from in one source's rows (resolved from the policy). */
export interface FieldBinding {
  dataset: string;
  field: string;
  scale: number;
}

/** A policy field compiled once per policy. */
export interface CompiledField {
  name: string;
  /** `<name>_source`. */
  sourceKey: string;
  type: 'number' | 'string';
  /** The scalar rules: the reason of an invalid value, and validity of string fields. */
  check: Check;
  /** The same rules over a day's numeric values. */
  mask: NumberMask;
  /** Per source in the group's order. */
  bindings: ReadonlyMap<string, FieldBinding>;
  /** A null a source sent is a value (see `FieldPolicy.reported_null`). */
  reportedNull: boolean;
}

/**
 * `x[k]` = the number of key `k` (scaled) from `cols[part[k]][row[k]]`, `NaN` where there is none.
 * One pass over the day's keys; a plain loop (no callback) keeps this a few ns per key. The loop is
 * alone in its function with nothing after it: V8 compiles a long first run of a loop while it
 * runs (on-stack replacement), before any code after the loop has run, and that code then made
 * the compiled loop bail out to the interpreter on every later call (a deopt per column per day,
 * with most of the next column's loop interpreted again).
 */
function gatherNumbers(
  x: Float64Array,
  part: Int32Array,
  row: Int32Array,
  cols: readonly (ArrayLike<unknown> | undefined)[],
  scale: number,
): void {
  for (let k = 0; k < x.length; k++) {
    const p = part[k];
    const v = p < 0 ? undefined : cols[p]?.[row[k]];
    x[k] = typeof v === 'number' ? v * scale : Number.NaN;
  }
}

export class DayColumns {
  private readonly numbers = new Map<string, Float64Array>();
  private readonly raws = new Map<string, unknown[]>();
  private readonly masks = new Map<string, Uint8Array>();
  private readonly presence = new Map<string, Uint8Array>();

  constructor(
    readonly day: DayIndex,
    private readonly fields: ReadonlyMap<string, CompiledField>,
  ) {}

  /** `f`'s scaled value of source `s` for key `k`, as the row version read it (scalar, for reasons). */
  read(f: CompiledField, s: string, k: number): unknown {
    const b = f.bindings.get(s);
    if (!b) return undefined;
    const v = this.day.valueAt(k, s, b.dataset, b.field);
    return b.scale !== 1 && typeof v === 'number' ? v * b.scale : v;
  }

  /** Where `f` of source `s` is: the stream's part/row arrays and the column of each part. */
  private locate(f: CompiledField, s: string) {
    const b = f.bindings.get(s);
    const st = b && this.day.streams.get(s)?.get(b.dataset);
    if (!b || !st) return undefined;
    return { st, scale: b.scale, cols: this.day.parts.map((p) => column(p.table, b.field)) };
  }

  /** `f` of source `s` as numbers (scaled); `NaN` where missing or not a number. */
  numeric(f: CompiledField, s: string): Float64Array {
    const id = `${f.name}\u0001${s}`;
    let x = this.numbers.get(id);
    if (x) return x;
    const at = this.locate(f, s);
    x = new Float64Array(this.day.size);
    if (!at) x.fill(Number.NaN);
    else gatherNumbers(x, at.st.part, at.st.row, at.cols, at.scale);
    this.numbers.set(id, x);
    return x;
  }

  /** `f` of source `s` as read (scaled when a number), `undefined` where absent. */
  raw(f: CompiledField, s: string): unknown[] {
    const id = `${f.name}\u0001${s}`;
    let x = this.raws.get(id);
    if (x) return x;
    x = new Array<unknown>(this.day.size).fill(undefined);
    const at = this.locate(f, s);
    if (at) {
      const { part, row } = at.st;
      const { cols, scale } = at;
      for (let k = 0; k < x.length; k++) {
        const p = part[k];
        if (p < 0) continue;
        const c = cols[p];
        if (c === undefined) continue;
        const v = c[row[k]];
        x[k] = scale !== 1 && typeof v === 'number' ? v * scale : v;
      }
    }
    this.raws.set(id, x);
    return x;
  }

  /** 1 where source `s`'s value of `f` is valid (present, of the type, every rule holds). */
  valid(f: CompiledField, s: string): Uint8Array {
    const id = `${f.name}\u0001${s}`;
    let m = this.masks.get(id);
    if (m) return m;
    if (f.type === 'number') {
      m = f.mask(this.numeric(f, s), (other) => {
        const g = this.fields.get(other);
        return g ? this.numeric(g, s) : undefined;
      });
    } else {
      // String fields are rare: the scalar check per key, with the same source's siblings.
      const values = this.raw(f, s);
      m = new Uint8Array(this.day.size);
      for (let k = 0; k < m.length; k++)
        m[k] = f.check(values[k], (o) => this.sibling(o, s, k)) === undefined ? 1 : 0;
    }
    this.masks.set(id, m);
    return m;
  }

  /**
   * Whether source `s`'s value of `f` for key `k` is valid, one key at a time: the day's mask when
   * it was computed, else the scalar rules (the same rules, see masks.test.ts). For fallback
   * sources that only a few keys need.
   */
  validAt(f: CompiledField, s: string, k: number): boolean {
    const m = this.masks.get(`${f.name}\u0001${s}`);
    return m ? m[k] === 1 : this.why(f, s, k) === undefined;
  }

  /** `f` of source `s` as numbers if that column was gathered (else read keys with {@link read}). */
  gathered(f: CompiledField, s: string): Float64Array | undefined {
    return this.numbers.get(`${f.name}\u0001${s}`);
  }

  /** Why source `s`'s value of `f` for key `k` is invalid (scalar, only called for invalid values). */
  why(f: CompiledField, s: string, k: number): string | undefined {
    return f.check(this.read(f, s, k), (o) => this.sibling(o, s, k));
  }

  private sibling(other: string, s: string, k: number): unknown {
    const g = this.fields.get(other);
    return g ? this.read(g, s, k) : undefined;
  }

  /** 1 where source `s` has a row of any fused dataset for the key. */
  present(s: string): Uint8Array {
    let m = this.presence.get(s);
    if (m) return m;
    m = new Uint8Array(this.day.size);
    for (const st of this.day.streams.get(s)?.values() ?? [])
      for (let k = 0; k < m.length; k++) if (st.part[k] >= 0) m[k] = 1;
    this.presence.set(s, m);
    return m;
  }
}
