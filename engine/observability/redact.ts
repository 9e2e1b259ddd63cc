/**
 * Values that must never be printed (resolved secrets). Every log line passes through
 * {@link scrub} before it is written, whatever field or message the value hides in; metric label
 * values and CLI error output use the same function.
 */
const secrets = new Set<string>();

/** Registers a resolved secret value; values shorter than 6 characters are ignored (too common). */
export function registerSecretValue(value: string): void {
  if (value.length >= 6) secrets.add(value);
}

export function scrub(text: string): string {
  for (const s of secrets) if (text.includes(s)) text = text.split(s).join('[REDACTED]');
  return text;
}
