/**
 * Maps JSON pointers back to positions in the YAML text, so that errors found on the plain JS
 * value (by ajv, by the compiler) can name `file:line:col` of the node that caused them.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, type Document, type Node } from 'yaml';

export interface Position {
  line: number;
  col: number;
}

export class SourceMap {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Position of the value at `pointer`; with `key`, of the key of the last segment (for unknown keys). */
  locate(pointer: string, key = false): Position {
    const segments = pointer
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    let node: Node | null | undefined = this.doc.contents as Node | null;
    let best: Node | null | undefined = node;
    for (let i = 0; i < segments.length && node; i++) {
      const seg = segments[i];
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === seg);
        if (!pair) break;
        const last = i === segments.length - 1;
        node = (last && key ? pair.key : pair.value) as Node | null;
        best = node ?? (pair.key as Node);
      } else if (isSeq(node)) {
        node = node.items[Number(seg)] as Node | undefined;
        if (node) best = node;
      } else break;
    }
    const offset = best?.range?.[0] ?? 0;
    const { line, col } = this.lines.linePos(offset);
    return { line, col };
  }
}
