import fc from 'fast-check';
import pino from 'pino';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { genericRegistry } from '../../operators/generic.ts';
import { compilePipelines } from '../compiler/compile.ts';
import { Engine } from '../runtime/engine.ts';
import { loadText } from './load.ts';

const registry = genericRegistry();
const engine = Engine.create({ registry, logger: pino({ level: 'silent' }) });

const valid = `apiVersion: argus/v1
kind: Pipeline
metadata: {name: f, version: 1}
spec:
  nodes:
    - {id: numbers, type: generate, config: {count: 3}}
    - {id: m, type: map, inputs: [numbers], config: {fields: {x: "i * 2"}}}
    - {id: out, type: stdout, inputs: [m]}
`;

/** Loading and compiling must end in errors or a graph: never an exception. */
async function loadsCleanly(text: string): Promise<void> {
  const { docs, errors } = loadText('fuzz.yaml', text, registry);
  for (const e of errors) expect(e.line).toBeGreaterThanOrEqual(1);
  engine.env.docs = docs;
  await compilePipelines(docs, registry, engine.env);
}

const mutate = (s: string, pos: number, op: number, ch: string) => {
  const p = pos % (s.length + 1);
  if (op === 0) return s.slice(0, p) + s.slice(p + 1);
  if (op === 1) return s.slice(0, p) + ch + s.slice(p);
  return s.slice(0, p) + ch + s.slice(p + 1);
};

describe('loader fuzzing', () => {
  it('survives 1,000 byte-level mutations of a valid pipeline', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.integer({ min: 0, max: 2 }),
            fc.constantFrom(
              ':',
              '-',
              ' ',
              '\n',
              '{',
              '}',
              '[',
              ']',
              '"',
              "'",
              '&',
              '*',
              '!',
              '|',
              '>',
              '#',
              'x',
              '0',
              '.',
            ),
          ),
          { minLength: 1, maxLength: 6 },
        ),
        async (edits) => loadsCleanly(edits.reduce((s, [p, op, ch]) => mutate(s, p, op, ch), valid)),
      ),
      { numRuns: 1000 },
    );
  });

  it('survives 1,000 random documents shaped like specs', async () => {
    const scalar = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
    const node = fc.record(
      {
        id: fc.oneof(fc.constantFrom('a', 'b', 'c', 'numbers'), fc.string()),
        type: fc.oneof(
          fc.constantFrom('generate', 'map', 'filter', 'stdout', 'dedupe', 'switch', 'file'),
          fc.string(),
        ),
        inputs: fc.array(
          fc.oneof(fc.constantFrom('a', 'b', 'c', 'a.out', 'b.error', 'c.rejected'), fc.string()),
          { maxLength: 3 },
        ),
        config: fc.dictionary(
          fc.constantFrom('count', 'expr', 'fields', 'keys', 'path', 'cases', 'x'),
          fc.oneof(scalar, fc.dictionary(fc.string(), fc.string()), fc.array(scalar)),
        ),
      },
      { requiredKeys: [] },
    );
    const doc = fc.record(
      {
        apiVersion: fc.constantFrom('argus/v1', 'argus/v2', 1),
        kind: fc.constantFrom('Pipeline', 'PipelineTest', 'Nope'),
        metadata: fc.record(
          { name: fc.oneof(fc.constant('p'), fc.string()), version: fc.oneof(fc.integer(), fc.string()) },
          { requiredKeys: [] },
        ),
        spec: fc.oneof(fc.record({ nodes: fc.array(node, { maxLength: 5 }) }, { requiredKeys: [] }), scalar),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(doc, async (d) => loadsCleanly(stringify(d))),
      { numRuns: 1000 },
    );
  });
});
