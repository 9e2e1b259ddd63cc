/**
 * Parses YAML text into spec documents, keeping what is needed to locate errors. A file may hold
 * several documents separated by `---`. YAML syntax errors become located {@link SpecError}s.
 */
import { LineCounter, parseAllDocuments } from 'yaml';
import type { SpecError } from './errors.ts';
import { SourceMap } from './source-map.ts';

export interface ParsedDoc {
  file: string;
  /** Index of the document within its file. */
  index: number;
  value: unknown;
  map: SourceMap;
}

export function parseYaml(file: string, text: string): { docs: ParsedDoc[]; errors: SpecError[] } {
  const lines = new LineCounter();
  const docs: ParsedDoc[] = [];
  const errors: SpecError[] = [];
  const all = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const list = Array.isArray(all) ? all : [];
  list.forEach((doc, index) => {
    for (const e of [...doc.errors, ...doc.warnings.filter(() => false)]) {
      const { line, col } = lines.linePos(e.pos[0]);
      errors.push({ file, line, col, pointer: '', message: `YAML: ${e.message.split('\n')[0]}` });
    }
    if (doc.errors.length > 0) return;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      errors.push({ file, line: 1, col: 1, pointer: '', message: `YAML: ${(err as Error).message}` });
      return;
    }
    if (value === null || value === undefined) return; // empty document (e.g. trailing ---)
    docs.push({ file, index, value, map: new SourceMap(doc, lines) });
  });
  return { docs, errors };
}
