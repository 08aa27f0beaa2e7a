/**
 * The evaluation pool (real worker threads running dist/evaluator/worker.js;
 * `npm test` builds first): values and fitness equal the in-process engine
 * and metrics bit for bit, however the work is split; hostile expressions
 * come back as per-candidate errors; a task that runs too long, or whose
 * worker dies, rejects instead of hanging, and the pool carries on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticMarket } from '../../evaluator/data/synthetic/market.js';
import { createAgentContexts, fitnessForAgents } from '../../evaluator/metrics/index.js';
import { makeAgentSplits } from '../../evaluator/metrics/splits.js';
import { EvaluationError, FactorEngine } from '../../evaluator/engine.js';
import { DEFAULT_LABEL, EvaluationPool, instrumentRanges } from '../../evaluator/pool.js';
import { compileFactor, compileLabel } from '../../operators/compile.js';
import type { Node } from '../../operators/ast.js';
import { bitDifferences } from './helpers.js';

const panel = syntheticMarket({ seed: 12, instruments: 40, days: 300 });
const universe = panel.universes.all!.mask;
const fields = new Set(Object.keys(panel.fields));
const day = (t: number): string => panel.calendar[t]!;
const splits = makeAgentSplits({ start: 0, end: 200, first: day(0), last: day(199) }, { start: 200, end: 250, first: day(200), last: day(249) }, []);

const EXPRESSIONS = [
  '$close/Ref($close,20)-1',
  'Corr($close,Log($volume+1),10)',
  'Quantile($close,20,0.8)/$close',
  'Rank($close,20)',
  'Sum(Greater($close-Ref($close,1),0),14)/(Sum(Abs($close-Ref($close,1)),14)+1e-12)',
  'IdxMax($high,30)/30',
  'EMA($close,0)',
  '$open',
];
const CROSS_SECTIONAL = ['CSRank(Mean($volume,5)/Mean($volume,20))', 'CSZScore(Delta($close,5))-CSRank($close)'];

function asts(sources: readonly string[]): Node[] {
  return sources.map((s) => {
    const c = compileFactor(s, { fields });
    if (!c.ok) throw c.error;
    return c.ast;
  });
}

let pool: EvaluationPool;
beforeAll(() => {
  pool = EvaluationPool.create(panel, { workers: 2, universe, scoring: { splits }, taskTimeoutMs: 60_000 });
});
afterAll(async () => {
  await pool.close();
});

describe('countMissing', () => {
  /** NaN or +-inf member cells of each root, counted cell by cell on in-process values. */
  const naiveCounts = (roots: readonly Node[]): number[] => {
    const engine = new FactorEngine(panel, { universe });
    return roots.map((root) => {
      const values = engine.evaluate(root);
      let missing = 0;
      for (let c = 0; c < values.length; c++) if (universe[c] === 1 && !Number.isFinite(values[c]!)) missing++;
      return missing;
    });
  };

  it('split by instruments, and by factor when cross-sectional: the same counts as a per-cell count', async () => {
    for (const sources of [EXPRESSIONS, [...EXPRESSIONS, ...CROSS_SECTIONAL]]) {
      const roots = asts(sources);
      const expected = naiveCounts(roots);
      expect([...(await pool.countMissing(roots))]).toEqual(expected);
      expect(expected.some((m) => m > 0)).toBe(true);
    }
  });
});

describe('values', () => {
  it('split by instruments, equal to the in-process engine', async () => {
    const roots = asts(EXPRESSIONS);
    const values = await pool.values(roots);
    const engine = new FactorEngine(panel, { universe });
    values.forEach((v, k) => {
      expect(v.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(bitDifferences(engine.evaluate(roots[k]!), v), EXPRESSIONS[k]).toEqual([]);
    });
  });

  it('split by factor when cross-sectional operators need whole days; clipped at lastDay', async () => {
    const roots = asts([...CROSS_SECTIONAL, ...EXPRESSIONS]);
    const values = await pool.values(roots, { lastDay: 180 });
    const engine = new FactorEngine(panel, { universe, lastDay: 180 });
    values.forEach((v, k) => expect(bitDifferences(engine.evaluate(roots[k]!), v)).toEqual([]));
  });

  it('a large batch in chunks under a small budget', async () => {
    const roots = asts([...EXPRESSIONS, ...CROSS_SECTIONAL, ...EXPRESSIONS]);
    const engine = new FactorEngine(panel, { universe });
    const seen: number[] = [];
    await pool.evaluateBatch(
      roots,
      (k, values) => {
        seen.push(k);
        expect(bitDifferences(engine.evaluate(roots[k]!), values)).toEqual([]);
      },
      { resultBudgetBytes: 3 * panel.N * panel.T * 8 },
    );
    expect(seen).toEqual(roots.map((_, k) => k));
  });

  it('instrument ranges cover the panel with about equal days', () => {
    const ranges = instrumentRanges(panel, 3);
    expect(ranges[0]![0]).toBe(0);
    expect(ranges.at(-1)![1]).toBe(panel.N);
    for (let k = 1; k < ranges.length; k++) expect(ranges[k]![0]).toBe(ranges[k - 1]![1]);
    expect(instrumentRanges(panel, 1)).toEqual([[0, panel.N]]);
    expect(instrumentRanges(panel, 1000).length).toBeLessThanOrEqual(panel.N);
  });
});

describe('fitness for agents', () => {
  it('equals in-process scoring on train and valid, in order, with errors per candidate', async () => {
    const hostile = ['Mean($close,', 'Ref($close,-2)', '$vwap/$close', 'Quantile($close,5,1.5)', "$close); process.exit(1); ("];
    const batch = [...EXPRESSIONS, ...CROSS_SECTIONAL, ...hostile, ...EXPRESSIONS.map((e) => `-${e}`)];
    const results = await pool.fitness(batch);
    expect(results).toHaveLength(batch.length);

    const label = compileLabel(DEFAULT_LABEL, { fields });
    if (!label.ok) throw label.error;
    const labelValues = new FactorEngine(panel, { universe, lastDay: splits.lastDay }).evaluate(label.ast);
    const contexts = createAgentContexts({ N: panel.N, T: panel.T, label: labelValues, universe }, splits);
    const engine = new FactorEngine(panel, { universe, lastDay: splits.lastDay });
    batch.forEach((source, k) => {
      const compiled = compileFactor(source, { fields });
      const result = results[k]!;
      if (!compiled.ok) {
        expect(result, source).toEqual({ ok: false, error: compiled.error.message });
        return;
      }
      expect(result.ok, source).toBe(true);
      if (!result.ok) return;
      expect(result.canonical).toBe(compiled.canonical);
      expect(result.fitness).toEqual(fitnessForAgents(engine.evaluate(compiled.ast), contexts));
    });
  });

  it('a pool without scoring refuses fitness tasks with an error', async () => {
    const plain = EvaluationPool.create(panel, { workers: 1 });
    try {
      await expect(plain.fitness(['$close'])).rejects.toThrow(/created without scoring/);
    } finally {
      await plain.close();
    }
  });
});

describe('failures surface as errors, not hangs', () => {
  // EMA(x, 0) is O(T^2) per instrument (qlib's definition): seconds of work on this panel.
  const slowPanel = syntheticMarket({ seed: 1, instruments: 150, days: 5000 });

  it('a task past its timeout is stopped and rejected, each time', async () => {
    const slow = EvaluationPool.create(slowPanel, { workers: 1, taskTimeoutMs: 30 });
    try {
      const [ast] = asts(['EMA($close,0)']);
      const started = performance.now();
      await expect(slow.values([ast!])).rejects.toThrow(EvaluationError);
      await expect(slow.values([ast!])).rejects.toThrow(/stopped after 30 ms/);
      expect(performance.now() - started).toBeLessThan(20_000);
    } finally {
      await slow.close();
    }
  }, 60_000);

  it('a worker that dies mid-task rejects its task, and a new worker takes the next', async () => {
    const fragile = EvaluationPool.create(slowPanel, { workers: 1 });
    try {
      const [slow, quick] = asts(['EMA($close,0)', '$close/$open']);
      const pending = fragile.values([slow!]);
      // let the worker start the task (seconds long), then kill it
      await new Promise((resolve) => setTimeout(resolve, 200));
      await fragile.threads[0]!.terminate();
      await expect(pending).rejects.toThrow(EvaluationError);
      const [values] = await fragile.values([quick!]);
      expect(values!.some(Number.isFinite)).toBe(true);
    } finally {
      await fragile.close();
    }
  }, 60_000);
});
