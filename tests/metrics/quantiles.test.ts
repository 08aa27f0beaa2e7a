import { describe, expect, it } from 'vitest';
import { quantileStart } from '../../evaluator/metrics/quantiles.js';
import { scoreFactor } from '../../evaluator/metrics/score.js';
import { byDay, inputsOf } from './fixtures.js';

describe('quantile diagnostics', () => {
  it('splits into equal-count groups: position p of n is in group floor(p * groups / n)', () => {
    const starts = (n: number, groups: number) => [...Array(groups + 1).keys()].map((g) => quantileStart(g, n, groups));
    expect(starts(10, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(starts(7, 5)).toEqual([0, 2, 3, 5, 6, 7]); // groups 0 0 1 2 2 3 4
    for (const [n, groups] of [[300, 5], [299, 10], [13, 2]] as const) {
      for (let p = 0; p < n; p++) {
        const g = Math.floor((p * groups) / n);
        expect(quantileStart(g, n, groups) <= p && p < quantileStart(g + 1, n, groups)).toBe(true);
      }
    }
  });

  it('averages group mean labels over days; spread, its t-stat and monotonicity by hand', () => {
    // 10 names, factor 5 2 2 1 9 7 3 8 6 4. Ascending, ties (names 1, 2) by instrument:
    // names 3 1 | 2 6 | 9 0 | 8 5 | 7 4 - the tie straddles the first boundary.
    // Day 0 labels 10 * name: group means 20 40 45 65 55, spread 35.
    // Day 1 labels 20 * name: means and spread doubled (70).
    const f = [5, 2, 2, 1, 9, 7, 3, 8, 6, 4];
    const factor = byDay([f, f]);
    const label = byDay([
      [0, 10, 20, 30, 40, 50, 60, 70, 80, 90],
      [0, 20, 40, 60, 80, 100, 120, 140, 160, 180],
    ]);
    const { quantiles } = scoreFactor(factor, inputsOf(label, 10, 2), { start: 0, end: 2 }, { minNames: 3, hacLags: 0 });
    expect(quantiles.groups).toBe(5);
    expect([...quantiles.meanLabel]).toEqual([30, 60, 67.5, 97.5, 82.5]);
    expect([...quantiles.spreadPerDay]).toEqual([35, 70]);
    expect(quantiles.spread.mean).toBe(52.5);
    expect(quantiles.spread.std).toBeCloseTo(Math.sqrt(2 * 17.5 ** 2), 12);
    // Lag 0: se = sqrt(mean square deviation / n) = sqrt(17.5^2 / 2).
    expect(quantiles.spread.hacT).toBeCloseTo(52.5 / Math.sqrt(17.5 ** 2 / 2), 12);
    // Means rank 1 2 3 5 4 against groups 1..5: Spearman 1 - 6 * 2 / (5 * 24) = 0.9.
    expect(quantiles.monotonicity).toBeCloseTo(0.9, 14);
  });

  it('leaves out days with fewer names than groups', () => {
    const factor = byDay([
      [1, 2, 3, 4, NaN],
      [1, 2, 3, 4, 5],
    ]);
    const label = byDay([
      [1, 2, 3, 4, 5],
      [5, 4, 3, 2, 1],
    ]);
    const { quantiles } = scoreFactor(factor, inputsOf(label, 5, 2), { start: 0, end: 2 }, { minNames: 3 });
    expect(quantiles.spreadPerDay[0]).toBeNaN();
    expect(quantiles.spreadPerDay[1]).toBe(-4);
    expect([...quantiles.meanLabel]).toEqual([5, 4, 3, 2, 1]);
    expect(quantiles.monotonicity).toBeCloseTo(-1, 14);
  });
});

describe('autocorrelation and turnover', () => {
  it('follows alphalens: each day ranked on its own, correlated over names present both days', () => {
    // 4 names, 2 groups, minNames 3.
    // Day 0: f 1 2 3 4 -> ranks 1 2 3 4, top group names 2 3.
    // Day 1: f 2 1 4 3 -> ranks 2 1 4 3; autocorrelation corr((2,1,4,3),(1,2,3,4)) = 3 / 5; top 2 3, turnover 0.
    // Day 2: name 0 missing; f . 3 2 1 -> ranks over 3 names 3 2 1; pairs with yesterday's ranks:
    //   (3,1) (2,4) (1,3): corr = -2 / sqrt(2 * 42/9); top group of 3 is position 2 = name 1, new: turnover 1.
    const factor = byDay([
      [1, 2, 3, 4],
      [2, 1, 4, 3],
      [NaN, 3, 2, 1],
    ]);
    const label = byDay([
      [0.1, 0.2, 0.3, 0.4],
      [0.1, 0.2, 0.3, 0.4],
      [0.1, 0.2, 0.3, 0.4],
    ]);
    const score = scoreFactor(factor, inputsOf(label, 4, 3), { start: 0, end: 3 }, { minNames: 3, quantiles: 2 });
    expect(score.autocorrelation).toBeCloseTo((0.6 - 2 / Math.sqrt((2 * 42) / 9)) / 2, 14);
    expect(score.turnover).toBeCloseTo(0.5, 15);
    expect(score.nanRatio).toBeCloseTo(1 / 12, 15);
    expect(score.dayCoverage).toBe(1);
  });

  it('needs the previous day scored', () => {
    // Day 1 has too few names, so day 2 has no yesterday: nothing to average.
    const factor = byDay([
      [1, 2, 3, 4],
      [1, NaN, NaN, NaN],
      [4, 3, 2, 1],
    ]);
    const label = byDay([
      [1, 2, 3, 4],
      [1, 2, 3, 4],
      [1, 2, 3, 4],
    ]);
    const score = scoreFactor(factor, inputsOf(label, 4, 3), { start: 0, end: 3 }, { minNames: 3, quantiles: 2 });
    expect(score.autocorrelation).toBeNaN();
    expect(score.turnover).toBeNaN();
  });

  it('a factor that never changes has autocorrelation 1 and no turnover', () => {
    const f = [3, 1, 4, 1, 5, 9, 2, 6];
    const factor = byDay([f, f, f, f]);
    const label = byDay([f, f, f, f].map((row) => row.map((v, i) => v * (i + 1))));
    const score = scoreFactor(factor, inputsOf(label, 8, 4), { start: 0, end: 4 }, { minNames: 3 });
    expect(score.autocorrelation).toBeCloseTo(1, 14);
    expect(score.turnover).toBe(0);
  });
});
