/**
 * Errors across the worker boundary: a task's error reaches the caller as the same class with the
 * same message (a DeltaSchemaError naming the column stays a DeltaSchemaError), plus the fields
 * callers test (`code`, `errno`, `syscall`, `path` of file-system errors, `kind` of conflicts).
 * Structured cloning alone would turn our classes into plain Errors.
 */
import { DeltaConflictError, DeltaSchemaError } from '../types.ts';

export interface SentError {
  name: string;
  message: string;
  stack?: string;
  props: Record<string, unknown>;
}

const KEPT = ['code', 'errno', 'syscall', 'path', 'dest', 'kind'];

/** A cloneable description of `e` (any thrown value). */
export function sendError(e: unknown): SentError {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e), props: {} };
  const props: Record<string, unknown> = {};
  for (const k of KEPT) {
    const v = (e as unknown as Record<string, unknown>)[k];
    if (v !== undefined && (typeof v !== 'object' || v === null)) props[k] = v;
  }
  return { name: e.name, message: e.message, stack: e.stack, props };
}

const BUILTIN: Record<string, ErrorConstructor> = { Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError };

/**
 * The caller-side error for a {@link SentError}: our Delta errors and the built-in classes are
 * rebuilt as such; anything else is an Error with the original name. The stack is the worker's.
 */
export function reviveError(s: SentError): Error {
  let e: Error;
  if (s.name === 'DeltaSchemaError') e = new DeltaSchemaError(s.message);
  else if (s.name === 'DeltaConflictError') {
    // Its constructor prefixes the kind; rebuild from the final message.
    e = Object.create(DeltaConflictError.prototype) as Error;
    Object.defineProperty(e, 'message', { value: s.message, writable: true, configurable: true });
    e.name = 'DeltaConflictError';
  } else {
    e = new (BUILTIN[s.name] ?? Error)(s.message);
    if (e.name !== s.name) e.name = s.name;
  }
  Object.assign(e, s.props);
  if (s.stack) e.stack = s.stack;
  return e;
}
