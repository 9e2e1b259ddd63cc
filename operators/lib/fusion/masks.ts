/**
 * Column-wise validity of a numeric field: the rules of {@link compileRules} as loops over a whole
 * trading day's values of one source, so fusion decides a day with a few passes over typed arrays
 * instead of a closure call per (row, field, source, rule). The scalar {@link compileRules} check
 * stays the reference (and writes the reasons, only for invalid values); `masks.test.ts` checks the
 * two agree value by value.
 *
 * Values come as a `Float64Array` where anything that is not a number is `NaN` (a missing or
 * non-numeric value and a non-finite one are equally invalid; a non-finite comparand is ignored,
 * exactly like a missing one in the scalar rules).
 *
 * @example
 * const valid = compileNumberMask([{ gt: 0 }, { gte_field: 'low' }]);
 * const m = valid(new Float64Array([10, 8, NaN]), (f) => (f === 'low' ? new Float64Array([9, 9, 9]) : undefined));
 * // m: Uint8Array [1, 0, 0]
 */
import { RULE_NAMES, type Rule } from './rules.ts';

/** A sibling field's values from the same source (undefined when the source has no such field). */
export type Siblings = (field: string) => Float64Array | undefined;

/** Returns a fresh mask: 1 where the value is valid. */
export type NumberMask = (values: Float64Array, sibling: Siblings) => Uint8Array;

type Apply = (x: Float64Array, m: Uint8Array, sibling: Siblings) => void;

/** One loop per rule; each clears the mask where its rule fails (NaN never reaches a rule as valid). */
function compileRuleLoop(rule: Rule): Apply {
  const [name, arg] = Object.entries(rule)[0] as [string, unknown];
  const a = arg as number;
  // Cross-field rules: a non-finite comparand is as good as missing (the scalar rule's `num`), and a
  // sibling the source does not have cannot prove anything wrong. One loop each, no comparator call.
  const other = arg as string;
  const field =
    (loop: (x: Float64Array, o: Float64Array, m: Uint8Array) => void): Apply =>
    (x, m, sibling) => {
      const o = sibling(other);
      if (o) loop(x, o, m);
    };
  switch (name) {
    case 'min':
      return (x, m) => {
        for (let i = 0; i < x.length; i++) if (m[i] && !(x[i] >= a)) m[i] = 0;
      };
    case 'max':
      return (x, m) => {
        for (let i = 0; i < x.length; i++) if (m[i] && !(x[i] <= a)) m[i] = 0;
      };
    case 'gt':
      return (x, m) => {
        for (let i = 0; i < x.length; i++) if (m[i] && !(x[i] > a)) m[i] = 0;
      };
    case 'lt':
      return (x, m) => {
        for (let i = 0; i < x.length; i++) if (m[i] && !(x[i] < a)) m[i] = 0;
      };
    case 'gte_field':
      return field((x, o, m) => {
        for (let i = 0; i < x.length; i++) if (m[i] && o[i] - o[i] === 0 && !(x[i] >= o[i])) m[i] = 0;
      });
    case 'lte_field':
      return field((x, o, m) => {
        for (let i = 0; i < x.length; i++) if (m[i] && o[i] - o[i] === 0 && !(x[i] <= o[i])) m[i] = 0;
      });
    case 'gt_field':
      return field((x, o, m) => {
        for (let i = 0; i < x.length; i++) if (m[i] && o[i] - o[i] === 0 && !(x[i] > o[i])) m[i] = 0;
      });
    case 'lt_field':
      return field((x, o, m) => {
        for (let i = 0; i < x.length; i++) if (m[i] && o[i] - o[i] === 0 && !(x[i] < o[i])) m[i] = 0;
      });
    case 'integer':
      return (x, m) => {
        for (let i = 0; i < x.length; i++) if (m[i] && !Number.isInteger(x[i])) m[i] = 0;
      };
    case 'enum': {
      const allowed = arg as unknown[];
      return (x, m) => {
        for (let i = 0; i < x.length; i++) if (m[i] && !allowed.includes(x[i])) m[i] = 0;
      };
    }
    case 'pattern': {
      const re = new RegExp(arg as string);
      return (x, m) => {
        for (let i = 0; i < x.length; i++) if (m[i] && !re.test(String(x[i]))) m[i] = 0;
      };
    }
    default:
      throw new Error(`unknown validity rule "${name}" (known: ${RULE_NAMES.join(', ')})`);
  }
}

/** Compiles a numeric field's rules: finite first, then every rule (all must hold). */
export function compileNumberMask(rules: readonly Rule[] = []): NumberMask {
  const loops = rules.map(compileRuleLoop);
  return (x, sibling) => {
    const m = new Uint8Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      m[i] = v - v === 0 ? 1 : 0; // finite (NaN stands for missing and non-numbers)
    }
    for (const loop of loops) loop(x, m, sibling);
    return m;
  };
}
