import { describe, expect, it } from 'vitest';
import { correlateWithLibrary } from '../../evaluator/metrics/redundancy.js';
import { indexUniverse } from '../../evaluator/metrics/universe.js';
import { byDay, maskByDay, normals, rng } from './fixtures.js';

function randomPanel(N: number, T: number, seed: number): Float64Array {
  const z = normals(rng(seed));
  return Float64Array.from({ length: N * T }, z);
}

describe('redundancy against a factor library', () => {
  const N = 40;
  const T = 30;
  const universe = indexUniverse(null, { N, T }, { start: 0, end: T });
  const candidate = randomPanel(N, T, 1);

  it('finds an identical factor (1) and a negated one (max |corr| 1, signed -1)', () => {
    const other = randomPanel(N, T, 2);
    const r1 = correlateWithLibrary(candidate, [{ name: 'other', values: other }, { name: 'same', values: candidate }], universe);
    expect(r1.maxAbsPearson).toEqual({ name: 'same', index: 1, correlation: expect.closeTo(1, 14) });
    expect(r1.maxAbsSpearman).toEqual({ name: 'same', index: 1, correlation: expect.closeTo(1, 14) });
    expect(Math.abs(r1.correlations[0]!.pearson)).toBeLessThan(0.1);
    expect(r1.correlations[0]!.days).toBe(T);

    const negated = candidate.map((v) => -v);
    const r2 = correlateWithLibrary(candidate, [{ name: 'other', values: other }, { name: 'negated', values: negated }], universe);
    expect(r2.maxAbsPearson).toEqual({ name: 'negated', index: 1, correlation: expect.closeTo(-1, 14) });
  });

  it('Spearman sees a monotone transform that Pearson underrates', () => {
    const transformed = candidate.map((v) => Math.exp(4 * v));
    const r = correlateWithLibrary(candidate, [{ name: 'exp', values: transformed }], universe);
    expect(r.correlations[0]!.spearman).toBeCloseTo(1, 14);
    expect(r.correlations[0]!.pearson).toBeLessThan(0.8);
  });

  it('averages daily cross-sectional correlations over pairs with enough names (hand computed)', () => {
    // Day 0: corr((1,2,3,4),(1,3,2,4)) = 0.8 both ways.
    // Day 1: library misses name 3; over names 0 1 2: corr((3,1,2),(1,2,3)) = -0.5 both ways, which
    //   needs the candidate re-ranked over those 3 names (its ranks over 4 names, 4 1 3, would give -0.33).
    // Day 2: name 3 outside the universe and name 0 missing: two names, skipped.
    const cand = byDay([
      [1, 2, 3, 4],
      [3, 1, 2, 1.5],
      [NaN, 1, 2, 3],
    ]);
    const lib = byDay([
      [1, 3, 2, 4],
      [1, 2, 3, NaN],
      [1, 2, 3, 4],
    ]);
    const mask = maskByDay([
      [1, 1, 1, 1],
      [1, 1, 1, 1],
      [1, 1, 1, 0],
    ]);
    const r = correlateWithLibrary(cand, [{ name: 'lib', values: lib }], indexUniverse(mask, { N: 4, T: 3 }, { start: 0, end: 3 }), {
      minNames: 3,
    });
    expect(r.correlations[0]).toEqual({ name: 'lib', pearson: expect.closeTo(0.15, 14), spearman: expect.closeTo(0.15, 14), days: 2 });
  });

  it('reports nothing when no day has enough names', () => {
    const r = correlateWithLibrary(candidate, [{ name: 'x', values: candidate }], universe, { minNames: N + 1 });
    expect(r.maxAbsPearson).toBeNull();
    expect(r.correlations[0]!.days).toBe(0);
    expect(() => correlateWithLibrary(candidate, [{ name: 'short', values: new Float64Array(3) }], universe)).toThrow(/short/);
  });
});
