/**
 * Validates a value against a JSON Schema with ajv and turns ajv's errors into readable problems:
 * what is wrong, at which pointer, what was expected, and a "did you mean" for misspelt keys and
 * enum values. Located later by the caller.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { JsonSchema } from '../api/index.ts';
import { didYouMean } from './suggest.ts';

export interface Problem {
  pointer: string;
  message: string;
  hint?: string;
  /** Locate the key rather than the value (unknown keys). */
  atKey?: boolean;
}

const ajv = new Ajv({ allErrors: true, strict: false, verbose: true, allowUnionTypes: true });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const cache = new WeakMap<object, ValidateFunction>();

function compile(schema: JsonSchema): ValidateFunction {
  let fn = cache.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    cache.set(schema, fn);
  }
  return fn;
}

export function checkSchema(schema: JsonSchema, value: unknown, prefix = ''): Problem[] {
  const validate = compile(schema);
  if (validate(value)) return [];
  const errors = (validate.errors ?? []).filter(
    (e) => !['anyOf', 'oneOf', 'if', 'allOf'].includes(e.keyword) && !isDeferredRef(e),
  );
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const e of errors) {
    const p = toProblem(e, prefix);
    const id = `${p.pointer}|${p.message}`;
    if (!seen.has(id)) {
      seen.add(id);
      problems.push(p);
    }
  }
  return problems;
}

/**
 * A `${env:...}` or `${secret:...}` reference stands where a constrained string is expected: its
 * value is unknown until run time, when the resolved config is validated again.
 */
function isDeferredRef(e: ErrorObject): boolean {
  return (
    typeof e.data === 'string' &&
    /\$\{(env|secret):/.test(e.data) &&
    !['type', 'required', 'additionalProperties'].includes(e.keyword)
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function toProblem(e: ErrorObject, prefix: string): Problem {
  const pointer = prefix + e.instancePath;
  const params = e.params as Record<string, any>;
  const parent = (e.parentSchema ?? {}) as Record<string, any>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys(parent.properties ?? {});
      return {
        pointer: `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`,
        message: `unknown key "${key}"`,
        hint:
          didYouMean(key, allowed) ?? (allowed.length ? `allowed keys: ${allowed.join(', ')}` : undefined),
        atKey: true,
      };
    }
    case 'required':
      return { pointer, message: `missing required key "${params.missingProperty}"` };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      return {
        pointer,
        message: `expected one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${describe(e.data)}`,
        hint: typeof e.data === 'string' ? didYouMean(e.data, allowed) : undefined,
      };
    }
    case 'const':
      return { pointer, message: `expected ${JSON.stringify(params.allowedValue)}, got ${describe(e.data)}` };
    case 'type':
      return { pointer, message: `expected ${params.type}, got ${describe(e.data)}` };
    default:
      return {
        pointer,
        message: `${e.message ?? 'invalid'}${e.keyword === 'pattern' ? `, got ${describe(e.data)}` : ''}`,
      };
  }
}
