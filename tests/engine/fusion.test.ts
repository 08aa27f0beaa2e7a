/**
 * Fused element-wise loops compute exactly what the kernels compute: every
 * element-wise, pair and conditional operator of the registry, with series
 * and constant operands in every position (NaN, +-inf, -0 included), alone
 * and nested, bit for bit against one kernel call per node.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FactorEngine } from '../../evaluator/engine.js';
import { cellProgram, programLoop } from '../../evaluator/engine/cellProgram.js';
import { compileJavaScriptRegion, fusedSource, numberLiteral, type RegionNode } from '../../evaluator/engine/fusion.js';
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

describe('the WASM register machine equals the generated JavaScript', () => {
  const T = 37, N = 9; // 333 cells: a chunk and part of another
  const ctx = { T, N, start: Int32Array.from([0, 4, 0, 36, 10, 0, 0, 3, 0]), end: Int32Array.from([37, 37, 30, 37, 10, 37, 37, 20, 37]), universe: null };
  const SPECIAL = [0, -0, 1, -1, 2.5, -3, 1e-300, 1e300, NaN, Infinity, -Infinity];
  /** Three input series: special values in every combination, then noise. */
  const inputs = [0, 1, 2].map((k) => Float64Array.from({ length: N * T }, (_, c) => {
    const n = SPECIAL.length;
    const pick = k === 0 ? c % n : k === 1 ? Math.floor(c / n) % n : Math.floor(c / (n * n)) % n;
    return c < n * n * n / 7 ? SPECIAL[pick]! : Math.sin(c * (k + 1.3)) * 3;
  }));
  const input = (index: number): RegionNode => ({ kind: 'input', index });
  const literal = (value: number): RegionNode => ({ kind: 'literal', value });
  const op = (name: string, ...args: RegionNode[]): RegionNode => ({ kind: 'op', op: name, args });
  const run = (loop: ReturnType<typeof compileJavaScriptRegion>): Float64Array => {
    const out = new Float64Array(N * T).fill(7);
    loop(ctx, inputs, out);
    return out;
  };
  const expectSame = (tree: RegionNode): void => {
    const program = cellProgram(tree, inputs.length);
    expect(program, JSON.stringify(tree)).not.toBeNull();
    expect(bitDifferences(run(compileJavaScriptRegion(tree, inputs.length)), run(programLoop(program!))), JSON.stringify(tree)).toEqual([]);
  };
  const MACHINE_OPS = FUSABLE.filter((s) => !['Log', 'Power'].includes(s.name));

  it('every operator but Log and Power, series and constants in every position', () => {
    for (const spec of MACHINE_OPS) {
      const operands = [input(0), input(1), input(2), ...SPECIAL.map(literal)];
      const arity = spec.args.length;
      for (const a of operands.slice(0, 3)) {
        if (arity === 1) { expectSame(op(spec.name, a)); continue; }
        for (const b of operands) {
          if (arity === 2) expectSame(op(spec.name, a, b)), expectSame(op(spec.name, b, a));
          else for (const c of operands.slice(0, 4)) expectSame(op(spec.name, a, b, c)), expectSame(op(spec.name, b, c, a));
        }
      }
    }
    expectSame(op('Power', input(0), literal(2)));
  });

  it('Log, Power other than squaring, and trees needing too many registers stay in JavaScript', () => {
    expect(cellProgram(op('Log', input(0)), 1)).toBeNull();
    expect(cellProgram(op('Add', op('Power', input(0), literal(0.5)), input(1)), 2)).toBeNull();
    let deep: RegionNode = input(0);
    for (let k = 0; k < 30; k++) deep = op('Add', input(1), deep); // a left spine needs one register
    expectSame(deep);
    let wide: RegionNode = input(0);
    for (let k = 0; k < 30; k++) wide = op('Add', wide, op('Mul', input(1), literal(k))); // 30 constants
    expect(cellProgram(wide, 2)).toBeNull();
    expect(cellProgram(input(0), 1)).toBeNull();
  });

  it('random trees, shared nodes included, with registers reused', () => {
    const leaf = fc.oneof(fc.constantFrom(0, 1, 2).map(input), fc.constantFrom(...SPECIAL).map(literal));
    const tree = fc.letrec<{ node: RegionNode }>((tie) => ({
      node: fc.oneof(
        { maxDepth: 6, depthIdentifier: 'machine' },
        leaf,
        fc.constantFrom(...MACHINE_OPS).chain((spec) => fc.tuple(...spec.args.map(() => tie('node'))).map((args) => op(spec.name, ...args))),
        // a node read twice
        tie('node').map((shared) => op('Sub', op('Mul', shared, literal(3)), shared)),
      ),
    })).node;
    fc.assert(
      fc.property(tree, (node) => {
        if (node.kind !== 'op' || cellProgram(node, 3) === null) return;
        expectSame(node);
      }),
      { numRuns: 400 },
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
