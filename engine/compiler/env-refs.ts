/**
 * Resolves `${env:NAME}` references inside config strings. `${secret:...}` references are left as
 * they are: operators resolve them at use time through `ctx.secret`, so values never sit in configs.
 */
import type { Problem } from '../spec/schema-check.ts';

const ENV = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export function resolveEnvRefs(
  value: unknown,
  env: NodeJS.ProcessEnv,
  pointer = '',
  problems: Problem[] = [],
  lenient = false,
): unknown {
  if (typeof value === 'string') {
    return value.replace(ENV, (m, name: string, fallback?: string) => {
      const v = env[name] ?? fallback;
      if (v === undefined && lenient) return m;
      if (v === undefined)
        problems.push({
          pointer,
          message: `environment variable ${name} is not set`,
          hint: `set ${name} or write \${env:${name}:-default}`,
        });
      return v ?? '';
    });
  }
  if (Array.isArray(value))
    return value.map((v, i) => resolveEnvRefs(v, env, `${pointer}/${i}`, problems, lenient));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        resolveEnvRefs(v, env, `${pointer}/${k}`, problems, lenient),
      ]),
    );
  }
  return value;
}
