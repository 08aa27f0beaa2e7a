import { describe, expect, it } from 'vitest';

import { StreamedDesignMatrices, buildDesignMatrix, fitRobustZScore, memberRows } from '../../evaluator/portfolio/index.js';
import { uniform } from './fixtures.js';

describe('StreamedDesignMatrices', () => {
  // 3 instruments x 4 days; fit on days 0-1, matrices for days 0-1 and 2-3.
  const T = 4;
  const shape = { N: 3, T };
  const universe = Uint8Array.from([1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1]);
  const fitRows = memberRows(universe, shape, { start: 0, end: 2 }, null);
  const testRows = memberRows(universe, shape, { start: 2, end: 4 }, null);

  it('fits each feature on the fit rows as it arrives and fills every row set: z, clipped, NaN -> 0', () => {
    const design = new StreamedDesignMatrices(2, fitRows, [fitRows, testRows], T);
    // Feature 0: fit values 1, 2, 4, 10 (instrument 2 is no member on day 1) -> median 3, MAD 1.5.
    design.add(Float64Array.from([1, 2, 3, NaN, 4, NaN, 100, -100, 10, 999, 3, 3]));
    // Feature 1: fit values 0, 0, 1, 0, 1 -> median 0, MAD 0: anything but 0 clips.
    design.add(Float64Array.from([0, 0, 0, 0, 0, 1, 0, 0.5, 1, 7, -2, 0]));
    const { matrices, norm } = design.finish();
    const s = 1.5 * 1.4826;
    expect([...norm.center]).toEqual([3, 0]);
    expect(norm.scale[0]).toBe((1.5 + 1e-12) * 1.4826);
    // Fit rows: (t0: i0, i1, i2), (t1: i0, i1); two features per row.
    const fitted = [(1 - 3) / s, 0, (4 - 3) / s, 0, 3, 3, (2 - 3) / s, 0, 0, 3];
    fitted.forEach((v, k) => expect(matrices[0]!.X[k]).toBeCloseTo(v, 6));
    // Test rows: (t2: i0, i1, i2), (t3: i0, i1, i2).
    const test = [0, 0, 3, 0, 0, -3, 0, 0, -3, 3, 0, 0];
    test.forEach((v, k) => expect(matrices[1]!.X[k]).toBeCloseTo(v, 6));
  });

  it('equals fitRobustZScore + buildDesignMatrix across several feature blocks', () => {
    const N = 7;
    const T2 = 30;
    const next = uniform(3);
    const mask = Uint8Array.from({ length: N * T2 }, () => (next() < 0.85 ? 1 : 0));
    const features = Array.from({ length: 37 }, (_, k) =>
      Float64Array.from({ length: N * T2 }, () => (next() < 0.05 ? NaN : (next() - 0.5) * (k + 1) + (next() < 0.02 ? 50 : 0))),
    );
    const fit = memberRows(mask, { N, T: T2 }, { start: 0, end: 20 }, null);
    const later = memberRows(mask, { N, T: T2 }, { start: 20, end: 30 }, null);
    const design = new StreamedDesignMatrices(features.length, fit, [fit, later], T2);
    for (const f of features) design.add(f);
    const { matrices, norm } = design.finish();
    const reference = fitRobustZScore(features, fit, T2);
    expect(norm).toEqual(reference);
    expect(matrices[0]!.X).toEqual(buildDesignMatrix(features, fit, T2, reference).X);
    expect(matrices[1]!.X).toEqual(buildDesignMatrix(features, later, T2, reference).X);
  });

  it('refuses a feature too many and an early finish', () => {
    const design = new StreamedDesignMatrices(1, fitRows, [fitRows], T);
    expect(() => design.finish()).toThrow(/0 of 1 features/);
    design.add(new Float64Array(12));
    expect(() => design.add(new Float64Array(12))).toThrow(/feature 2 given, only 1 expected/);
  });
});
