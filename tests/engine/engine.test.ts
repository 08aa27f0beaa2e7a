/**
 * The evaluation engine against the obvious evaluation (one kernel call per
 * node over the whole panel): common subexpressions computed once, the same
 * bits whatever the block size or result budget, cross-sectional operators
 * above and below per-instrument ones, lastDay clipping that never reads a
 * cell on or after lastDay, and random or hostile input that never crashes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { syntheticMarket } from '../../evaluator/data/synthetic/market.js';
import { EvaluationError, FactorEngine, instrumentsPerBlock } from '../../evaluator/engine.js';
import type { Panel } from '../../evaluator/panel.js';
import type { Node } from '../../operators/ast.js';
import { compileFactor } from '../../operators/compile.js';
import { familyOf } from '../../operators/kernels/families.js';
import type { Kernel, KernelFamily } from '../../operators/kernels/types.js';
import { OPERATORS } from '../../operators/registry.js';
import { validFactor } from '../operators/arbitraries.js';
import { bitDifferences, call, enginePanel, field, num, referenceEvaluate } from './helpers.js';

const T = 150;
const N = 11;
const { panel, universe } = enginePanel(21, T, N);
const price = field('price'), ret = field('ret'), volume = field('volume'), steps = field('steps');

/** A batch mixing every kind of step: fused trees, families, plain kernels, cross-sectional nodes above and below the others. */
const BATCH: Node[] = [
  call('Div', call('Sub', price, call('Ref', price, num(1))), call('Add', call('Ref', price, num(1)), num(1e-12))),
  call('Mean', call('Gt', price, call('Ref', price, num(1))), num(5)),
  call('Quantile', price, num(20), num(0.8)),
  call('Quantile', price, num(20), num(0.2)),
  call('Rank', price, num(20)),
  call('Corr', price, call('Log', call('Add', volume, num(1))), num(10)),
  call('CSRank', call('Mean', ret, num(5))),
  call('Mean', call('CSRank', ret), num(5)),
  call('CSZScore', call('Corr', call('CSRank', volume), price, num(10))),
  call('CSRank', call('CSDemean', ret)),
  call('Sub', call('CSRank', call('Std', ret, num(10))), call('Std', ret, num(10))),
  call('EMA', steps, num(0)),
  call('IdxMax', price, num(30)),
  call('Max', price, num(30)),
  call('Slope', call('Abs', ret), num(7)),
  price,
  call('If', call('Gt', ret, num(0)), call('Std', price, num(5)), call('Mul', num(-1), call('Std', price, num(5)))),
];

function expectBatchEqualsReference(engine: FactorEngine, roots: readonly Node[], lastDay = T, on: Panel = panel): void {
  const seen: number[] = [];
  engine.evaluateBatch(roots, (k, values) => {
    seen.push(k);
    expect(bitDifferences(referenceEvaluate(on, roots[k]!, universe, lastDay), values), `root ${k}`).toEqual([]);
  });
  expect(seen).toEqual(roots.map((_, k) => k));
}

/** Replaces a registry kernel (captured by plans built afterwards) for the duration of `body`. */
function withKernel<T>(op: string, wrap: (k: Kernel) => Kernel, body: () => T): T {
  const spec = OPERATORS.get(op)! as { kernel: Kernel };
  const original = spec.kernel;
  spec.kernel = wrap(original);
  try {
    return body();
  } finally {
    spec.kernel = original;
  }
}

function withFamily<T>(op: string, wrap: (k: KernelFamily['kernel']) => KernelFamily['kernel'], body: () => T): T {
  const family = familyOf(op)! as { kernel: KernelFamily['kernel'] };
  const original = family.kernel;
  family.kernel = wrap(original);
  try {
    return body();
  } finally {
    family.kernel = original;
  }
}

describe('common subexpressions', () => {
  it('a node shared by many factors is computed once per block', () => {
    const ema = call('EMA', price, num(10));
    const roots = [call('Div', ema, price), call('Sub', ema, call('Ref', price, num(1))), ema, call('Mean', ema, num(5)), call('Mean', ema, num(5))];
    const engine = new FactorEngine(panel, { universe, blockBytes: 1 << 30 }); // one block: calls = steps
    let emaCalls = 0, refCalls = 0, momentCalls = 0;
    const results: Float64Array[] = [];
    withKernel('EMA', (k) => (c, a, o) => (emaCalls++, k(c, a, o)), () =>
      withKernel('Ref', (k) => (c, a, o) => (refCalls++, k(c, a, o)), () =>
        withFamily('Mean', (k) => (c, s, r) => (momentCalls++, k(c, s, r)), () =>
          engine.evaluateBatch(roots, (_, values) => results.push(Float64Array.from(values))),
        ),
      ),
    );
    expect([emaCalls, refCalls, momentCalls]).toEqual([1, 1, 1]);
    roots.forEach((root, k) => expect(bitDifferences(referenceEvaluate(panel, root, universe), results[k]!)).toEqual([]));
  });

  it('with blocks, once per block', () => {
    const engine = new FactorEngine(panel, { universe, blockBytes: 4 * T * 8 }); // 4 instruments per block: 3 blocks
    let calls = 0;
    withKernel('EMA', (k) => (c, a, o) => (calls++, k(c, a, o)), () =>
      engine.evaluateBatch([call('Div', call('EMA', price, num(10)), price), call('EMA', price, num(10))], () => {}),
    );
    expect(calls).toBe(Math.ceil(N / 4));
  });

  it('blocks hold an even number of instruments once two fit (the WASM kernels pair them)', () => {
    expect(instrumentsPerBlock(128 * 1024, 664, 2917)).toBe(6); // 5.6 fit
    expect(instrumentsPerBlock(4.9 * 8 * T, N, T)).toBe(4);
    expect(instrumentsPerBlock(1.9 * 8 * T, N, T)).toBe(1);
    expect(instrumentsPerBlock(1, N, T)).toBe(1);
    expect(instrumentsPerBlock(1 << 30, N, T)).toBe(N);
  });

  it('summarize counts the shared plan', () => {
    const engine = new FactorEngine(panel, { universe });
    const s = engine.summarize(BATCH);
    expect(s.roots).toBe(BATCH.length);
    expect(s.steps.family).toBeGreaterThan(0);
    expect(s.steps.fused).toBeGreaterThan(0);
  });
});

describe('the same bits whatever the blocks and chunks', () => {
  // N = 11: blocks of 4, 6 and 8 end with an odd block (the WASM kernels' self-paired instrument)
  for (const instruments of [1, 2, 4, 6, 8, N, 100]) {
    it(`${instruments} instrument(s) per block`, () => {
      expectBatchEqualsReference(new FactorEngine(panel, { universe, blockBytes: instruments * T * 8 }), BATCH);
    });
  }

  it('a block budget smaller than one instrument still makes progress', () => {
    expectBatchEqualsReference(new FactorEngine(panel, { universe, blockBytes: 1 }), BATCH);
  });

  it('one root per chunk: cross-sectional values shared by chunks survive until the last', () => {
    const shared = call('CSRank', call('Mean', ret, num(5)));
    const roots = [call('Add', shared, num(1)), price, call('Mul', shared, ret), ...BATCH, shared];
    expectBatchEqualsReference(new FactorEngine(panel, { universe, resultBudgetBytes: 1, blockBytes: 2 * T * 8 }), roots);
  });

  it('a node shared across chunks is computed once, read whole by later chunks', () => {
    // Four roots per chunk, each family and the fused Sub feeding both chunks.
    const slope = call('Slope', price, num(7));
    const move = call('Sub', price, call('Ref', price, num(1)));
    const roots = [
      call('Div', slope, price), call('Rsquare', price, num(7)), call('IdxMax', price, num(30)), move,
      call('Resi', price, num(7)), call('Div', call('Max', price, num(30)), price), slope, call('Mul', move, price),
    ];
    const budget = 4 * N * T * 8;
    const engine = new FactorEngine(panel, { universe, resultBudgetBytes: budget, blockBytes: 4 * T * 8 });
    const results: Float64Array[] = [];
    let regression = 0, extremes = 0, refs = 0;
    withFamily('Slope', (k) => (c, s, r) => (regression++, k(c, s, r)), () =>
      withFamily('Max', (k) => (c, s, r) => (extremes++, k(c, s, r)), () =>
        withKernel('Ref', (k) => (c, a, o) => (refs++, k(c, a, o)), () =>
          engine.evaluateBatch(roots, (_, values) => results.push(Float64Array.from(values))),
        ),
      ),
    );
    expect([regression, extremes, refs]).toEqual([Math.ceil(N / 4), Math.ceil(N / 4), Math.ceil(N / 4)]);
    roots.forEach((root, k) => expect(bitDifferences(referenceEvaluate(panel, root, universe), results[k]!), `root ${k}`).toEqual([]));
    // With one carried buffer at most (a budget of one root), what cannot be kept is recomputed: the same bits.
    expectBatchEqualsReference(new FactorEngine(panel, { universe, resultBudgetBytes: 1, blockBytes: 4 * T * 8 }), [...roots, ...BATCH]);
  });

  it('a cross-sectional root is computed into its result buffer, which is never recycled', () => {
    const engine = new FactorEngine(panel, { universe });
    const rank = call('CSRank', call('Mean', ret, num(5)));
    const first = engine.evaluate(rank);
    const kept = Float64Array.from(first);
    engine.evaluate(call('CSZScore', price));
    engine.evaluate(BATCH[0]!);
    engine.evaluateBatch(BATCH, () => {});
    expect(bitDifferences(kept, first)).toEqual([]);
    // a cross-sectional root, its duplicate, and roots reading it, in one chunk and one root per chunk
    const roots = [rank, call('CSZScore', rank), rank, call('Mean', rank, num(3)), call('CSDemean', price)];
    for (const resultBudgetBytes of [undefined, 1]) {
      const batchEngine = new FactorEngine(panel, { universe, resultBudgetBytes });
      expectBatchEqualsReference(batchEngine, roots);
      expectBatchEqualsReference(batchEngine, [...roots].reverse());
    }
  });

  it('evaluateInto writes the caller’s arrays, duplicates included', () => {
    const engine = new FactorEngine(panel, { universe });
    const roots = [BATCH[0]!, BATCH[6]!, BATCH[0]!, price];
    const outs = roots.map(() => new Float64Array(N * T).fill(7));
    engine.evaluateInto(roots, outs);
    roots.forEach((r, k) => expect(bitDifferences(referenceEvaluate(panel, r, universe), outs[k]!)).toEqual([]));
    expect(() => engine.evaluateInto(roots, outs.slice(1))).toThrow(EvaluationError);
    expect(() => engine.evaluateInto([price], [new Float64Array(3)])).toThrow(/length 3/);
  });
});

describe('evaluateByBlock', () => {
  /** Each root's blocks assembled into whole-panel arrays, with the order the blocks arrived in. */
  function assembled(engine: FactorEngine, roots: readonly Node[]): { results: Float64Array[]; calls: [number, number, number][] } {
    const results = roots.map(() => new Float64Array(N * T).fill(7));
    const calls: [number, number, number][] = [];
    engine.evaluateByBlock(roots, (k, first, end, values) => {
      calls.push([k, first, end]);
      expect(values.length).toBe((end - first) * T);
      results[k]!.set(values, first * T);
    });
    return { results, calls };
  }

  for (const instruments of [1, 4, 6, N]) {
    it(`${instruments} instrument(s) per block: the reference values, every root once per block`, () => {
      // duplicates, a bare field, cross-sectional roots and a root that others read
      const roots = [...BATCH, BATCH[0]!, call('Mul', BATCH[0]!, price), price, call('CSRank', ret)];
      const engine = new FactorEngine(panel, { universe, blockBytes: instruments * T * 8 });
      const { results, calls } = assembled(engine, roots);
      roots.forEach((root, k) => expect(bitDifferences(referenceEvaluate(panel, root, universe), results[k]!), `root ${k}`).toEqual([]));
      const blocks = Math.ceil(N / instruments);
      expect(calls.length).toBe(roots.length * blocks);
      for (let k = 0; k < roots.length; k++) expect(calls.filter(([root]) => root === k).map(([, first]) => first)).toEqual(
        Array.from({ length: blocks }, (_, b) => b * instruments),
      );
    });
  }

  it('clipped at lastDay, and the engine still evaluates batches afterwards', () => {
    const engine = new FactorEngine(panel, { universe, lastDay: 97, blockBytes: 4 * T * 8 });
    const { results } = assembled(engine, BATCH);
    BATCH.forEach((root, k) => expect(bitDifferences(referenceEvaluate(panel, root, universe, 97), results[k]!), `root ${k}`).toEqual([]));
    expectBatchEqualsReference(engine, BATCH, 97);
  });
});

describe('lastDay', () => {
  const lastDay = 97;
  /** The panel with every cell on or after lastDay poisoned, and the universe full there. */
  function poisoned(value: (c: number) => number): { panel: Panel; universe: Uint8Array } {
    const fields = Object.fromEntries(
      Object.entries(panel.fields).map(([name, f]) => [name, f.map((v, c) => (c % T >= lastDay ? value(c) : v))]),
    );
    return { panel: { ...panel, fields }, universe: universe.map((v, c) => (c % T >= lastDay ? 1 : v)) };
  }

  it('clipped evaluation never reads a cell on or after lastDay', () => {
    const clean = new FactorEngine(panel, { universe, lastDay });
    const expected: Float64Array[] = [];
    clean.evaluateBatch(BATCH, (_, v) => expected.push(Float64Array.from(v)));
    for (const poison of [() => NaN, () => 1e300, () => -Infinity, (c: number) => (c % 7) - 3]) {
      const p = poisoned(poison);
      const engine = new FactorEngine(p.panel, { universe: p.universe, lastDay, blockBytes: 4 * T * 8 });
      engine.evaluateBatch(BATCH, (k, values) => {
        expect(bitDifferences(expected[k]!, values), `root ${k}`).toEqual([]);
        for (let c = 0; c < values.length; c++) if (c % T >= lastDay) expect(values[c]).toBeNaN();
      });
    }
  });

  it('equals the reference evaluation clipped at lastDay', () => {
    expectBatchEqualsReference(new FactorEngine(panel, { universe, lastDay }), BATCH, lastDay);
  });
});

describe('random and hostile input', () => {
  const market = syntheticMarket({ seed: 3, instruments: 20, days: 160 });
  const marketEngine = new FactorEngine(market, { universe: market.universes.all!.mask, blockBytes: 6 * 160 * 8 });

  it('random valid factors evaluate, quickly, to the reference values', () => {
    fc.assert(
      fc.property(validFactor(4), (ast) => {
        const started = performance.now();
        const values = marketEngine.evaluate(ast);
        expect(performance.now() - started).toBeLessThan(5000);
        expect(bitDifferences(referenceEvaluate(market, ast, market.universes.all!.mask), values)).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('random trees of registry operators (any argument in any position) give values or an error, never a crash', () => {
    fc.assert(
      fc.property(
        fc.letrec<{ node: Node }>((tie) => ({
          node: fc.oneof(
            { maxDepth: 4, depthIdentifier: 'hostile' },
            fc.constantFrom(...['open', 'close', 'volume', 'nope'].map(field)),
            fc.constantFrom(0, -0, 1, -1, 2.5, 1e300, -1e300, NaN, Infinity, 5e-324, 3000, -3000).map(num),
            fc.constantFrom(...OPERATORS.keys()).chain((op) => fc.array(tie('node'), { minLength: 0, maxLength: 4 }).map((args) => call(op, ...args))),
          ),
        })).node,
        (ast) => {
          try {
            const values = marketEngine.evaluate(ast);
            expect(values.length).toBe(market.N * market.T);
          } catch (error) {
            expect(error).toBeInstanceOf(Error);
            expect(['EvaluationError', 'TypeError']).toContain((error as Error).name);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('hostile strings through compileFactor and the engine never crash', () => {
    const fields = new Set(Object.keys(market.fields));
    const hostile = [
      '',
      '$close',
      'Mean($close, 1e308)',
      'Ref($close, 9007199254740993)',
      'Power($close, 1e308)',
      'Quantile($close, 5, 1)',
      'EMA($close, 0.0000001)',
      '$close / 0',
      'Log(-$close)',
      '__proto__',
      'constructor($close)',
      "$close); process.exit(1); (",
      '`${process.exit(1)}`',
      'Mean($close, 5)'.repeat(50),
      `${'Abs('.repeat(300)}$close${')'.repeat(300)}`,
      Array.from({ length: 200 }, (_, k) => `Mean($close,${k + 1})`).join('+'),
      'CSRank(CSRank(CSRank(CSRank($close))))',
      'Corr($close, $close, 0)',
      'IdxMax($close, 1000000)',
      'If($close, $close, $close)',
      '\u0000\uffff$close',
    ];
    for (const source of hostile) {
      const compiled = compileFactor(source, { fields });
      if (!compiled.ok) {
        expect(compiled.error.message.length).toBeGreaterThan(0);
        continue;
      }
      const values = marketEngine.evaluate(compiled.ast);
      expect(values.length).toBe(market.N * market.T);
    }
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (source) => {
        const compiled = compileFactor(source, { fields });
        if (compiled.ok) expect(marketEngine.evaluate(compiled.ast).length).toBe(market.N * market.T);
      }),
      { numRuns: 300 },
    );
  });

  it('a constant or an unknown field is an EvaluationError', () => {
    expect(() => marketEngine.evaluate(num(3))).toThrow(EvaluationError);
    expect(() => marketEngine.evaluate(field('vwap'))).toThrow(/field \$vwap is not in this data/);
    expect(() => marketEngine.evaluate(call('Nope', field('close')))).toThrow(/unknown operator Nope/);
  });
});
