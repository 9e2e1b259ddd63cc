/** Canonical JSON (sorted keys) used to tell whether a node's config or a spec changed. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, (v as Record<string, unknown>)[k]]),
        )
      : typeof v === 'bigint'
        ? v.toString()
        : v,
  );
}
