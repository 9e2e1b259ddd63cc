import { describe, expect, it } from 'vitest';
import { genericRegistry } from '../../operators/generic.ts';
import { Engine } from '../runtime/engine.ts';
import pino from 'pino';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatError } from './errors.ts';
import { loadText } from './load.ts';

const registry = genericRegistry();

const broken = `apiVersion: argus/v1
kind: Pipeline
metadata: {name: broken, version: 1}
spec:
  nodes:
    - id: numbers
      type: generate
      config: {count: 3, batch_sise: 2}
    - id: a
      type: map
      inputs: [numbers, b]
    - id: b
      type: fitler
      inputs: [a]
      config: {expr: "i > 0"}
    - id: c
      type: map
      inputs: [a, d]
    - id: d
      type: map
      inputs: [c]
    - id: out
      type: stdout
      inputs: [d]
`;

async function errorsOf(text: string) {
  const dir = mkdtempSync(join(tmpdir(), 'argus-load-'));
  writeFileSync(join(dir, 'p.yaml'), text);
  const engine = Engine.create({ registry, root: dir, logger: pino({ level: 'silent' }) });
  return (await engine.load([join(dir, 'p.yaml')])).map(formatError);
}

describe('spec loading', () => {
  it('reports a misspelt key, an unknown operator and a cycle at once, with line and column', async () => {
    const errors = await errorsOf(broken);
    expect(errors).toEqual(
      expect.arrayContaining([
        'p.yaml:8:26: unknown key "batch_sise" (at /spec/nodes/0/config/batch_sise) — did you mean "batch_size"?',
        'p.yaml:13:13: unknown operator type "fitler" (at /spec/nodes/2/type) — did you mean "filter"?',
        expect.stringMatching(/^p\.yaml:18:15: cycle: (c → d → c|d → c → d) \(at \/spec\/nodes\/3\/inputs\)/),
      ]),
    );
    expect(errors).toHaveLength(3);
  });

  it('locates envelope errors and suggests kinds', () => {
    const { errors } = loadText(
      'x.yaml',
      'apiVersion: argus/v2\nkind: Pipelin\nmetadata: {name: x}\nspec: {nodes: []}\n',
      registry,
    );
    const text = errors.map(formatError);
    expect(text).toContain('x.yaml:1:13: expected "argus/v1", got string "argus/v2" (at /apiVersion)');
    expect(text.some((t) => t.startsWith('x.yaml:2:7:') && t.includes('did you mean "Pipeline"?'))).toBe(
      true,
    );
    expect(text).toContain('x.yaml:3:11: missing required key "version" (at /metadata)');
  });

  it('reports YAML syntax errors with their position', () => {
    const { errors } = loadText('y.yaml', 'kind: Pipeline\nspec: {nodes: [\n', registry);
    expect(errors[0].file).toBe('y.yaml');
    expect(errors[0].line).toBeGreaterThan(1);
    expect(errors[0].message).toMatch(/^YAML: /);
  });

  it('reports graph errors: duplicate id, unknown input with a suggestion, missing port, unconnected node', async () => {
    const errors = await errorsOf(`apiVersion: argus/v1
kind: Pipeline
metadata: {name: g, version: 1}
spec:
  nodes:
    - {id: numbers, type: generate}
    - {id: numbers, type: generate}
    - {id: keep, type: filter, inputs: [numbrs], config: {expr: "true"}}
    - {id: only, type: filter, inputs: [keep.rejected], config: {expr: "true"}}
    - {id: out, type: stdout, inputs: [only]}
    - {id: lonely, type: map, inputs: [numbers]}
`);
    expect(errors.join('\n')).toContain('duplicate node id "numbers"');
    expect(errors.join('\n')).toContain(
      'unknown input node "numbrs" (at /spec/nodes/2/inputs/0) — did you mean "numbers"?',
    );
    expect(errors.join('\n')).toContain('node "keep" has no port "rejected"');
    expect(errors.join('\n')).toContain('node "lonely" is unconnected: nothing reads its output');
  });

  it('reports config errors raised by create at their location (a bad expression)', async () => {
    const errors = await errorsOf(`apiVersion: argus/v1
kind: Pipeline
metadata: {name: e, version: 1}
spec:
  nodes:
    - {id: numbers, type: generate, config: {count: 1}}
    - id: keep
      type: filter
      inputs: [numbers]
      config:
        expr: "i > > 1"
    - {id: out, type: stdout, inputs: [keep]}
`);
    expect(errors).toEqual([
      'p.yaml:11:15: filter: unexpected ">" at column 5 of "i > > 1" (at /spec/nodes/1/config/expr)',
    ]);
  });
});
