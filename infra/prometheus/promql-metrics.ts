/**
 * The metric (series) names a PromQL expression reads, for checking alert rules and Grafana panel
 * queries against the engine's metric catalogue. A small lexer, not a full parser: it drops
 * strings, label matchers, ranges/durations, grouping clauses and function calls, and what
 * remains as identifiers are series names.
 *
 * @example promqlMetricNames('sum by (source) (rate(argus_source_calls_total{outcome="failure"}[5m]))')
 *   // ['argus_source_calls_total']
 */
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
  'atan2',
]);

export function promqlMetricNames(expr: string): string[] {
  let s = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""') // strings
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // ranges and subqueries
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ') // grouping labels
    .replace(/\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/g, ' '); // Grafana template variables
  const names = new Set<string>();
  for (const m of s.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const word = m[0];
    const after = s.slice(m.index! + word.length).trimStart();
    if (after.startsWith('(')) continue; // function or aggregation
    if (KEYWORDS.has(word.toLowerCase())) continue;
    const before = s.slice(0, m.index!);
    if (/[0-9.]$/.test(before) || /\d[eE]$/.test(before)) continue; // part of a number (1e3) or duration
    names.add(word);
  }
  s = '';
  return [...names];
}
