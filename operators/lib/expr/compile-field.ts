/**
 * Compiles an expression found at a config location, turning a syntax error into a
 * {@link ConfigError} that points at that location (the engine reports it as file:line:col).
 */
import {
  compileExpression,
  ConfigError,
  ExpressionError,
  type Evaluator,
} from '../../../engine/api/index.ts';

export function compileAt(src: string, pointer: string): Evaluator {
  try {
    return compileExpression(src);
  } catch (err) {
    if (err instanceof ExpressionError) {
      throw new ConfigError(pointer, `${err.message} at column ${err.col + 1} of "${src}"`);
    }
    throw err;
  }
}
