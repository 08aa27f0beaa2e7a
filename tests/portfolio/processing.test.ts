import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  buildDesignMatrix,
  csRankLabel,
  fitRobustZScore,
  medianInPlace,
  memberRows,
  robustZ,
} from '../../evaluator/portfolio/index.js';

// 3 instruments x 4 days, instrument-major (cell i * T + t). Train = days 0-1, test = days 2-3.
const N = 3;
const T = 4;
const shape = { N, T };
const train = { start: 0, end: 2 };
const test = { start: 2, end: 4 };
// Instrument 2 is not a member on day 1: its value there (999) must not enter the fit.
const universe = Uint8Array.from([1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1]);
const feature = () => Float64Array.from([1, 2, 100, 100, 4, NaN, 100, 100, 10, 999, 100, 100]);
const label = Float64Array.from([0.1, 0.1, 0.1, 0.1, 0.2, 0.2, NaN, 0.2, 0.3, 0.3, 0.3, 0.3]);

describe('qlib-style processing', () => {
  it('selects member rows day by day; DropnaLabel only where a label is asked for', () => {
    const all = memberRows(universe, shape, test, null);
    expect([...all.day]).toEqual([2, 2, 2, 3, 3, 3]);
    expect([...all.instrument]).toEqual([0, 1, 2, 0, 1, 2]);
    const labelled = memberRows(universe, shape, test, label);
    expect([...labelled.day]).toEqual([2, 2, 3, 3, 3]);
    expect([...labelled.instrument]).toEqual([0, 2, 0, 1, 2]);
    expect([...labelled.dayStart]).toEqual([0, 2, 5]);
  });

  it('fits the robust z-score on train member cells only: median and MAD * 1.4826', () => {
    const norm = fitRobustZScore([feature()], memberRows(universe, shape, train, null), T);
    // Train member values: 1, 2, 4, 10 (NaN skipped, 999 not a member, 100s are test).
    // Median (2 + 4) / 2 = 3; absolute deviations 2, 1, 1, 7 -> median 1.5.
    expect(norm.center[0]).toBe(3);
    expect(norm.scale[0]).toBe((1.5 + 1e-12) * 1.4826);
  });

  it("scales a constant train feature by qlib's epsilon: the median maps to 0, anything else clips", () => {
    const flat = Float64Array.from([2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 5, -5]);
    const norm = fitRobustZScore([flat], memberRows(universe, shape, train, null), T);
    expect(norm.scale[0]).toBe(1e-12 * 1.4826);
    expect(robustZ(2, norm.center[0]!, norm.scale[0]!)).toBe(0);
    expect(robustZ(5, norm.center[0]!, norm.scale[0]!)).toBe(3);
    expect(robustZ(-5, norm.center[0]!, norm.scale[0]!)).toBe(-3);
  });

  it('transforms, clips at 3 and fills NaN with 0', () => {
    const rows = memberRows(universe, shape, train, null);
    const norm = fitRobustZScore([feature()], rows, T);
    const X = buildDesignMatrix([feature()], rows, T, norm).X;
    const s = 1.5 * 1.4826;
    // Rows: day 0 (i0 = 1, i1 = 4, i2 = 10), day 1 (i0 = 2, i1 = NaN).
    const expected = [(1 - 3) / s, (4 - 3) / s, 3, (2 - 3) / s, 0];
    expected.forEach((v, r) => expect(X[r]).toBeCloseTo(v, 6));
    expect(robustZ(-1e9, 3, s)).toBe(-3);
  });

  it('never lets test features shape the transform of train rows', () => {
    const rows = memberRows(universe, shape, train, null);
    const before = feature();
    const after = feature();
    for (let i = 0; i < N; i++) for (let t = test.start; t < test.end; t++) after[i * T + t] = 1e6 * (i + 1);
    const a = fitRobustZScore([before], rows, T);
    const b = fitRobustZScore([after], rows, T);
    expect(b).toEqual(a);
    expect(buildDesignMatrix([after], rows, T, b).X).toEqual(buildDesignMatrix([before], rows, T, a).X);
  });

  it('ranks the label per day: (average rank / count - 0.5) * 3.46', () => {
    // One day, four names, a tie: -0.2 -> rank 1, 0.1 and 0.1 -> 2.5, 0.3 -> 4.
    const y = Float64Array.from([0.1, -0.2, 0.1, 0.3]);
    const rows = memberRows(new Uint8Array(4).fill(1), { N: 4, T: 1 }, { start: 0, end: 1 }, y);
    const ranked = csRankLabel(y, rows, 1);
    [0.4325, -0.865, 0.4325, 1.73].forEach((v, r) => expect(ranked[r]).toBeCloseTo(v, 6));
  });

  it('ranks each day on its own', () => {
    const y = Float64Array.from([1, 50, 2, -50]); // instrument-major, T = 2: day 0 = (1, 2), day 1 = (50, -50)
    const rows = memberRows(new Uint8Array(4).fill(1), { N: 2, T: 2 }, { start: 0, end: 2 }, y);
    expect([...csRankLabel(y, rows, 2)]).toEqual([0, 1.73, 1.73, 0].map(Math.fround));
  });

  it('medianInPlace agrees with a sort (numpy: mean of the middle two for even counts)', () => {
    expect(medianInPlace(Float64Array.from([5, 1, 3]), 3)).toBe(3);
    expect(medianInPlace(Float64Array.from([4, 1, 3, 2]), 4)).toBe(2.5);
    expect(medianInPlace(Float64Array.from([7, 7, 7, 7]), 4)).toBe(7);
    expect(medianInPlace(new Float64Array(0), 0)).toBeNaN();
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 60 }), (values) => {
        const sorted = [...values].sort((a, b) => a - b);
        const n = sorted.length;
        const expected = n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
        expect(medianInPlace(Float64Array.from(values), n)).toBe(expected);
      }),
    );
  });
});
