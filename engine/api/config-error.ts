/**
 * Thrown by an operator's `create` for a config problem the schema cannot express (a bad
 * expression, an unknown policy). `pointer` is relative to the node's `config`, so the engine can
 * report the exact YAML location.
 *
 * @example
 * throw new ConfigError('/expr', `unexpected ")"`, 'check the parentheses');
 */
export class ConfigError extends Error {
  constructor(
    readonly pointer: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}
