/**
 * Fused element-wise loops compute exactly what the kernels compute: every
 * element-wise, pair and conditional operator of the registry, with series
 * and constant operands in every position (NaN, +-inf, -0 included), alone
 * and nested, bit for bit against one kernel call per node.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FactorEngine } from '../../evaluator/engine.js';
import { fusedSource, numberLiteral } from '../../evaluator/engine/fusion.js';
import type { Node } from '../../operators/ast.js';
import { CELL_EXPRESSIONS } from '../../operators/kernels/cellExpressions.js';
import { OPERATORS } from '../../operators/registry.js';
import { bitDifferences, call, enginePanel, field, num, referenceEvaluate } from './helpers.js';

const { panel, universe } = enginePanel(11, 90, 7);
const engine = new FactorEngine(panel, { universe, blockBytes: 4 * 90 * 8 });

const FUSABLE = [...OPERATORS.values()].filter((s) => ['elementwise', 'pair', 'conditional'].includes(s.category));
const SERIES: Node[] = [
  field('ret'),
  field('wild'), // +-inf
  field('flag'), // 0, 1, NaN
  field('price'),
  call('Mul', field('ret'), num(-0)), // -0 and +0
  call('Sub', field('steps'), num(1)), // ties, zeros
];
const CONSTANTS = [0, -0, 1, -2.5, 1e-12, 1e300, NaN, Infinity, -Infinity];

function expectSameAsKernels(node: Node): void {
  const fused = engine.evaluate(node);
  expect(bitDifferences(referenceEvaluate(panel, node, universe), fused)).toEqual([]);
}

describe('fused loops equal the kernels bit for bit', () => {
  it('every element-wise, pair and conditional operator has a cell expression', () => {
    expect(FUSABLE.map((s) => s.name).sort()).toEqual(Object.keys(CELL_EXPRESSIONS).sort());
  });

  for (const spec of FUSABLE) {
    it(`${spec.name}: series and constants in every position, alone and nested`, () => {
      const cases: Node[] = [];
      if (spec.category === 'elementwise') {
        for (const x of SERIES) {
          if (spec.name === 'Power') for (const e of [2, 0.5, -1, 3, 0, -0]) cases.push(call('Power', x, num(e)));
          else cases.push(call(spec.name, x));
        }
      } else if (spec.category === 'pair') {
        for (const a of SERIES) {
          for (const b of SERIES.slice(0, 3)) cases.push(call(spec.name, a, b));
          for (const c of CONSTANTS) cases.push(call(spec.name, a, num(c)), call(spec.name, num(c), a));
        }
      } else {
        for (const cond of SERIES) {
          cases.push(call('If', cond, field('price'), field('ret')));
          for (const c of CONSTANTS) cases.push(call('If', cond, num(c), field('ret')), call('If', cond, field('ret'), num(c)), call('If', cond, num(c), num(2)));
        }
      }
      for (const node of cases) {
        expectSameAsKernels(node);
        // inlined below another fused operator, and above a rolling one
        expectSameAsKernels(call('Add', node, field('ret')));
        expectSameAsKernels(call('Mean', call('Div', node, num(3)), num(3)));
      }
    });
  }

  it('a tree of fusable operators is one fused step', () => {
    const tree = call('Div', call('Sub', field('price'), field('ret')), call('Add', call('Abs', field('ret')), num(1e-12)));
    expect(engine.summarize([tree]).steps).toEqual({ kernel: 0, fused: 1, family: 0 });
    expectSameAsKernels(tree);
  });

  it('random trees of fusable operators over fields and constants', () => {
    const leaf = fc.oneof(
      fc.constantFrom(...SERIES),
      fc.constantFrom(...CONSTANTS).map(num),
    );
    const tree = fc.letrec<{ node: Node }>((tie) => ({
      node: fc.oneof(
        { maxDepth: 5, depthIdentifier: 'fused' },
        leaf,
        fc.constantFrom(...FUSABLE).chain((spec) =>
          fc.tuple(...spec.args.map((arg) => (arg.kind === 'number' ? fc.constantFrom(2, 0.5, 3).map(num) : tie('node')))).map((args) => call(spec.name, ...args)),
        ),
      ),
    })).node;
    fc.assert(
      fc.property(tree, (node) => {
        // Constants and ill-typed trees are the kernels' errors to report: same error, or same values.
        let expected: Float64Array | Error;
        try {
          expected = referenceEvaluate(panel, node, universe);
        } catch (error) {
          expected = error as Error;
        }
        let actual: Float64Array | Error;
        try {
          actual = engine.evaluate(node);
        } catch (error) {
          actual = error as Error;
        }
        if (expected instanceof Error) expect(actual).toBeInstanceOf(Error);
        else expect(bitDifferences(expected, actual as Float64Array)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('generated source', () => {
  it('prints every double as a literal that reads back exactly', () => {
    for (const v of [0, -0, NaN, Infinity, -Infinity, 5e-324, 1.7976931348623157e308, 0.1, -1e-12, 123456789.123456789, 2 ** 53 + 2]) {
      const back = new Function(`return ${numberLiteral(v)};`)() as number;
      expect(Object.is(back, v)).toBe(true);
    }
  });

  it('contains only generated names, template text and literals', () => {
    const source = fusedSource(
      { kind: 'op', op: 'Div', args: [{ kind: 'input', index: 0 }, { kind: 'op', op: 'Add', args: [{ kind: 'input', index: 1 }, { kind: 'literal', value: -1e-12 }] }] },
      2,
    );
    expect(source).toContain('const t0 = (x1 + (-1e-12));');
    expect(source).toContain('out[k] = t1;');
    expect(source).not.toMatch(/fill|start|end/);
    expect(() => fusedSource({ kind: 'op', op: 'Eval', args: [] }, 0)).toThrow(/no cell expression/);
    expect(() => fusedSource({ kind: 'input', index: 3 }, 1)).toThrow(/out of range/);
  });
});
