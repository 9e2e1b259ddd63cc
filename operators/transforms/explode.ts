/**
 * `explode`: one output row per element of an array field, with context fields of the parent
 * copied onto each (`carry: {target: parent_field}`; carried values win over same-named element
 * fields). An empty array yields nothing; a missing or non-array field is an error, and so is an
 * element that is not an object (only that element goes to `error`, its siblings pass).
 *
 * Column-wise: the rows are written straight into columns (the union of the element keys in
 * first-seen order, then the carried fields), so no per-row object is built here. Bronze runs this
 * once per source row, and the copied objects were most of its garbage. A key an element lacks is
 * `undefined` in its column, so the materialised record has no value for it, as before. Columns
 * whose values are all numbers are `Float64Array`s (see {@link column}).
 *
 * @example
 * - id: rows
 *   type: explode
 *   inputs: [valid]
 *   config: {field: rows, carry: {source: source, dataset: dataset, event_symbol: symbol, fetched_at: fetched_at, event_id: id}}
 */
import { table } from 'arquero';
import { defineOperator, type BatchTransform, type Rec } from '../../engine/api/index.ts';

export interface ExplodeConfig {
  field: string;
  carry?: Record<string, string>;
}

export default defineOperator<ExplodeConfig>({
  type: 'explode',
  role: 'transform',
  description: 'One record per element of an array field, carrying chosen parent fields.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['field'],
    properties: {
      field: { type: 'string', minLength: 1 },
      carry: {
        type: 'object',
        additionalProperties: { type: 'string', minLength: 1 },
        description: 'target field → parent field',
      },
    },
  },
  examples: [
    {
      title: 'Event rows',
      config: { field: 'rows', carry: { dataset: 'dataset' } },
      input: [{ dataset: 'daily', rows: [{ close: 1 }, { close: 2 }] }],
      output: [
        { close: 1, dataset: 'daily' },
        { close: 2, dataset: 'daily' },
      ],
    },
  ],
  create(config, ctx): BatchTransform {
    const carry = Object.entries(config.carry ?? {});
    const carried = new Set(carry.map(([to]) => to));
    const field = config.field;
    const fail = (reason: string, record: Rec): Rec => ({
      node: ctx.node,
      reason,
      at: new Date().toISOString(),
      record,
    });
    return {
      kind: 'batch',
      process(batch, emit) {
        const events = batch.records;
        // Pass 1: the valid elements (event index, element) and the column names.
        const items: Rec[] = [];
        const parents: number[] = [];
        const names: string[] = [];
        const seen = new Set<string>(carried);
        let last: string[] = [];
        for (let e = 0; e < events.length; e++) {
          const rec = events[e];
          const list = rec[field];
          if (!Array.isArray(list)) {
            emit(fail(`field ${field} is ${list === undefined ? 'missing' : 'not an array'}`, rec), 'error');
            continue;
          }
          for (let i = 0; i < list.length; i++) {
            const item = list[i] as unknown;
            if (item && typeof item === 'object' && !Array.isArray(item)) {
              items.push(item as Rec);
              parents.push(e);
              // Rows of a response share their keys: compare with the previous row's keys (string
              // identity, cheap) and look names up only when the keys differ.
              let same = true;
              let i = 0;
              for (const k in item as Rec) {
                if (same && k === last[i]) {
                  i++;
                  continue;
                }
                same = false;
                if (!seen.has(k)) {
                  seen.add(k);
                  names.push(k);
                }
              }
              if (!same || i !== last.length) {
                last = [];
                for (const k in item as Rec) last.push(k);
              }
            } else {
              const context: Rec = {};
              for (const [to, from] of carry) context[to] = rec[from] ?? null;
              emit(fail(`${field}[${i}] is not an object`, { item, ...context }), 'error');
            }
          }
        }
        if (!items.length) return;
        // Pass 2: fill the columns; carried fields come last and win over element fields.
        const n = items.length;
        const cols: Record<string, ArrayLike<unknown>> = {};
        for (const k of names) cols[k] = column(items, k);
        for (const [to, from] of carry) {
          const col = new Array<unknown>(n);
          for (let r = 0; r < n; r++) col[r] = events[parents[r]][from] ?? null;
          cols[to] = col;
        }
        emit.table(table(cols as Record<string, unknown[]>));
      },
    };
  },
});

/**
 * Field `k` of every item. A field whose values are all numbers goes into a `Float64Array`: read
 * from a parsed object, a fractional number is a fresh heap object each time it is copied into a
 * plain array, and a 10,000-row batch's prices were most of Bronze's young garbage (and, alive
 * until the batch is normalised, most of what the scavenger copied). The first value that is not
 * a number (a string, null, a missing key) switches the column to a plain array, so the
 * materialised records hold exactly the same values either way.
 */
function column(items: readonly Rec[], k: string): Float64Array | unknown[] {
  const n = items.length;
  const first = items[0][k];
  if (typeof first !== 'number') {
    const col = new Array<unknown>(n);
    for (let r = 0; r < n; r++) col[r] = items[r][k];
    return col;
  }
  const nums = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const v = items[r][k];
    if (typeof v === 'number') {
      nums[r] = v;
      continue;
    }
    const col = Array.from(nums.subarray(0, r)) as unknown[];
    col.length = n;
    for (let q = r; q < n; q++) col[q] = items[q][k];
    return col;
  }
  return nums;
}
