/**
 * Structured validity rules of the SourcePriority policy. A value is valid when it is present, of the
 * field's type (numbers must be finite) and every rule holds. Cross-field rules compare with another
 * field *of the same source's row*, so QMT's high is checked against QMT's low.
 *
 * Rules (one key each): `{min: 0}`, `{max: 10000}`, `{gt: 0}`, `{lt: 1}`, `{gte_field: low}`,
 * `{lte_field: high}`, `{gt_field: x}`, `{lt_field: x}`, `{integer: true}`, `{enum: [a, b]}`,
 * `{pattern: "^\\d+$"}`. Until the engine offers its safe expression compiler these cover every rule
 * of domain §3/§4.
 *
 * @example
 * const check = compileRules('number', [{ gt: 0 }, { gte_field: 'low' }]);
 * check(10, (f) => ({ low: 9 })[f]) // undefined (valid)
 * check(8, (f) => ({ low: 9 })[f])  // "8 < low (9)"
 */
export type Rule =
  | { min: number }
  | { max: number }
  | { gt: number }
  | { lt: number }
  | { gte_field: string }
  | { lte_field: string }
  | { gt_field: string }
  | { lt_field: string }
  | { integer: true }
  | { enum: (string | number)[] }
  | { pattern: string };

/** Returns why `value` is invalid, or undefined when valid. `other(name)` reads a sibling field. */
export type Check = (value: unknown, other: (field: string) => unknown) => string | undefined;

export const RULE_NAMES = [
  'min',
  'max',
  'gt',
  'lt',
  'gte_field',
  'lte_field',
  'gt_field',
  'lt_field',
  'integer',
  'enum',
  'pattern',
] as const;

function num(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
}

function compileRule(rule: Rule): Check {
  const [name, arg] = Object.entries(rule)[0] as [string, unknown];
  const field =
    (cmp: (a: number, b: number) => boolean, sym: string): Check =>
    (v, other) => {
      const o = num(other(arg as string));
      // A missing comparand cannot prove the value wrong; the comparand's own rules judge it.
      if (o === undefined) return undefined;
      return cmp(v as number, o) ? undefined : `${v} ${sym} ${arg as string} (${o})`;
    };
  switch (name) {
    case 'min':
      return (v) => ((v as number) >= (arg as number) ? undefined : `${v} < min ${arg}`);
    case 'max':
      return (v) => ((v as number) <= (arg as number) ? undefined : `${v} > max ${arg}`);
    case 'gt':
      return (v) => ((v as number) > (arg as number) ? undefined : `${v} ≤ ${arg}`);
    case 'lt':
      return (v) => ((v as number) < (arg as number) ? undefined : `${v} ≥ ${arg}`);
    case 'gte_field':
      return field((a, b) => a >= b, '<');
    case 'lte_field':
      return field((a, b) => a <= b, '>');
    case 'gt_field':
      return field((a, b) => a > b, '≤');
    case 'lt_field':
      return field((a, b) => a < b, '≥');
    case 'integer':
      return (v) => (Number.isInteger(v) ? undefined : `${v} is not an integer`);
    case 'enum':
      return (v) =>
        (arg as unknown[]).includes(v as never)
          ? undefined
          : `${JSON.stringify(v)} is not one of ${JSON.stringify(arg)}`;
    case 'pattern': {
      const re = new RegExp(arg as string);
      return (v) =>
        re.test(String(v)) ? undefined : `${JSON.stringify(v)} does not match /${arg as string}/`;
    }
    default:
      throw new Error(`unknown validity rule "${name}" (known: ${RULE_NAMES.join(', ')})`);
  }
}

/** Compiles a field's type check and rules into one check (presence first, then type, then rules). */
export function compileRules(type: 'number' | 'string', rules: readonly Rule[] = []): Check {
  const checks = rules.map(compileRule);
  return (value, other) => {
    if (value === undefined || value === null) return 'missing';
    if (type === 'number') {
      if (typeof value !== 'number') return `${JSON.stringify(value)} is not a number`;
      if (!Number.isFinite(value)) return `${value} is not finite`;
    } else if (typeof value !== 'string' || value.trim() === '')
      return `${JSON.stringify(value)} is not a non-empty string`;
    for (const c of checks) {
      const why = c(value, other);
      if (why) return why;
    }
    return undefined;
  };
}
