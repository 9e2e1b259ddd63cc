/**
 * A problem found in a spec, located at the YAML node that caused it. Every stage (parse, schema,
 * kind checks, graph compile) reports these, and all of a document's problems are reported at once.
 */
export interface SpecError {
  file: string;
  line: number;
  col: number;
  /** JSON pointer of the offending value inside the document, e.g. `/spec/nodes/2/config/fieldz`. */
  pointer: string;
  message: string;
  /** How to fix it, e.g. `did you mean "fields"?`. */
  hint?: string;
}

/** `file:line:col: message (at pointer) — hint` */
export function formatError(e: SpecError): string {
  const where = `${e.file}:${e.line}:${e.col}`;
  const at = e.pointer ? ` (at ${e.pointer})` : '';
  return `${where}: ${e.message}${at}${e.hint ? ` — ${e.hint}` : ''}`;
}

/** Thrown when specs are invalid; carries every error found. */
export class SpecErrors extends Error {
  constructor(readonly errors: SpecError[]) {
    super(errors.map(formatError).join('\n'));
    this.name = 'SpecErrors';
  }
}
