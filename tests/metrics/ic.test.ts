import { describe, expect, it } from 'vitest';
import { createLabelContext } from '../../evaluator/metrics/labelContext.js';
import { scoreFactor, scoreSplits, scoreWithContext } from '../../evaluator/metrics/score.js';
import { byDay, inputsOf, maskByDay } from './fixtures.js';

const NaN_ = Number.NaN;

describe('daily IC and RankIC on hand-computed panels', () => {
  it('computes Pearson and Spearman per day with average ranks for ties', () => {
    // Day 0: f = 1 2 3 4, y ranks 1 3 2 4: dx = dy-permuted, sxy = 4, sxx = syy = 5 -> 0.8 for both.
    // Day 1: f = 1 1 2 3 against y = 4 3 2 1.
    //   Pearson: dx = -.75 -.75 .25 1.25, dy = 1.5 .5 -.5 -1.5: sxy = -3.5, sxx = 2.75, syy = 5.
    //   Spearman: ranks 1.5 1.5 3 4 vs 4 3 2 1: sxy = -4.5, sxx = 4.5, syy = 5.
    const factor = byDay([
      [1, 2, 3, 4],
      [1, 1, 2, 3],
    ]);
    const label = byDay([
      [0.01, 0.03, 0.02, 0.04],
      [4, 3, 2, 1],
    ]);
    const score = scoreFactor(factor, inputsOf(label, 4, 2), { start: 0, end: 2 }, { minNames: 3 });
    expect(score.icPerDay[0]).toBeCloseTo(0.8, 14);
    expect(score.rankIcPerDay[0]).toBeCloseTo(0.8, 14);
    expect(score.icPerDay[1]).toBeCloseTo(-3.5 / Math.sqrt(2.75 * 5), 14);
    expect(score.rankIcPerDay[1]).toBeCloseTo(-4.5 / Math.sqrt(4.5 * 5), 14);
  });

  it('drops missing values, names outside the universe, and days with too few names', () => {
    // 5 names, 4 days, minNames 3.
    // Day 0: name 4 outside the universe (its huge values must not count): f = 1 2 3 4, y = 1 3 2 4 -> 0.8.
    // Day 1: f NaN for name 1, y Infinity for name 3: names 0 2 4 remain, f = 3 1 2, y = 1 2 3:
    //   Pearson = Spearman = corr((3,1,2), (1,2,3)) = -1 / sqrt(2 * 2) = -0.5.
    // Day 2: only two names finite -> skipped.
    // Day 3: label missing for name 1 (a label-finite name dropped from the middle of the label ranks):
    //   f = 3 . 1 2 9, y = 10 . 30 40 20 over names 0 2 3 4: ranks f 3 1 2 4, y 1 3 4 2.
    const factor = byDay([
      [1, 2, 3, 4, 1e9],
      [3, NaN_, 1, 7, 2],
      [1, 2, NaN_, NaN_, NaN_],
      [3, 5, 1, 2, 9],
    ]);
    const label = byDay([
      [1, 3, 2, 4, -1e9],
      [1, 5, 2, Infinity, 3],
      [1, 2, 3, 4, 5],
      [10, NaN_, 30, 40, 20],
    ]);
    const universe = maskByDay([
      [1, 1, 1, 1, 0],
      [1, 1, 1, 1, 1],
      [1, 1, 1, 1, 1],
      [1, 1, 1, 1, 1],
    ]);
    const score = scoreFactor(factor, inputsOf(label, 5, 4, universe), { start: 0, end: 4 }, { minNames: 3 });
    expect(score.icPerDay[0]).toBeCloseTo(0.8, 14);
    expect(score.icPerDay[1]).toBeCloseTo(-0.5, 14);
    expect(score.rankIcPerDay[1]).toBeCloseTo(-0.5, 14);
    expect(score.icPerDay[2]).toBeNaN();
    expect(score.rankIcPerDay[2]).toBeNaN();
    // Day 3 Spearman: ranks f (3 1 2 4), y (1 3 4 2): means 2.5; dx 0.5 -1.5 -0.5 1.5, dy -1.5 0.5 1.5 -0.5.
    expect(score.rankIcPerDay[3]).toBeCloseTo((-0.75 - 0.75 - 0.75 - 0.75) / 5, 14);
    // Day 3 Pearson: f 3 1 2 9 (mean 3.75), y 10 30 40 20 (mean 25).
    const f = [3, 1, 2, 9].map((v) => v - 3.75);
    const y = [10, 30, 40, 20].map((v) => v - 25);
    const sxy = f.reduce((s, v, k) => s + v * y[k]!, 0);
    const sxx = f.reduce((s, v) => s + v * v, 0);
    const syy = y.reduce((s, v) => s + v * v, 0);
    expect(score.icPerDay[3]).toBeCloseTo(sxy / Math.sqrt(sxx * syy), 14);
    expect(score.ic.days).toBe(3);
    expect(score.dayCoverage).toBeCloseTo(3 / 4, 15);
    // Members: 4 + 5 + 5 + 5 = 19 cells; factor missing: day 1 one, day 2 three.
    expect(score.nanRatio).toBeCloseTo(4 / 19, 15);
  });

  it('re-ranks the label over the names the factor covers, not over every labelled member', () => {
    // Labels 10 20 30 40; the factor misses name 1 (label rank 2). Over names 0 2 3 the label
    // ranks are 1 2 3, not 1 3 4: RankIC = corr((3,1,2),(1,2,3)) = -0.5 (with 1 3 4 it would be -0.655).
    const factor = byDay([[3, NaN_, 1, 2]]);
    const label = byDay([[10, 20, 30, 40]]);
    const score = scoreFactor(factor, inputsOf(label, 4, 1), { start: 0, end: 1 }, { minNames: 3 });
    expect(score.rankIcPerDay[0]).toBeCloseTo(-0.5, 14);
  });

  it('summarises the daily series: mean, std with ddof 1, ICIR, positive share', () => {
    // Daily ICs 0.8 (day 0), -0.5 (day 1), skipped (day 2) from the panel above, restricted to days 0..2.
    const factor = byDay([
      [1, 2, 3, 4],
      [3, 1, 2, NaN_],
      [1, 2, NaN_, NaN_],
    ]);
    const label = byDay([
      [1, 3, 2, 4],
      [1, 2, 3, 4],
      [1, 2, 3, 4],
    ]);
    const { ic, rankIc } = scoreFactor(factor, inputsOf(label, 4, 3), { start: 0, end: 3 }, { minNames: 3 });
    const std = Math.sqrt((0.65 ** 2 + 0.65 ** 2) / 1);
    expect(ic.mean).toBeCloseTo(0.15, 14);
    expect(ic.std).toBeCloseTo(std, 14);
    expect(ic.ir).toBeCloseTo(0.15 / std, 14);
    expect(ic.days).toBe(2);
    expect(ic.positiveShare).toBe(0.5);
    expect(rankIc.mean).toBeCloseTo(0.15, 14);
  });

  it('a constant factor has no IC that day', () => {
    const factor = byDay([[0.1, 0.1, 0.1, 0.1]]);
    const label = byDay([[1, 2, 3, 4]]);
    const score = scoreFactor(factor, inputsOf(label, 4, 1), { start: 0, end: 1 }, { minNames: 3 });
    expect(score.icPerDay[0]).toBeNaN();
    expect(score.rankIcPerDay[0]).toBeNaN();
  });

  it('survives values whose squares overflow or underflow', () => {
    const factor = byDay([
      [1e300, 2e300, 3e300, 4e300],
      [1e-200, 2e-200, 3e-200, 4e-200],
    ]);
    const label = byDay([
      [1, 3, 2, 4],
      [1e-170, 3e-170, 2e-170, 4e-170],
    ]);
    const score = scoreFactor(factor, inputsOf(label, 4, 2), { start: 0, end: 2 }, { minNames: 3 });
    expect(score.icPerDay[0]).toBeCloseTo(0.8, 12);
    expect(score.icPerDay[1]).toBeCloseTo(0.8, 12);
  });

  it('scores only inside the range, and one context serves many factors', () => {
    const factor = byDay([
      [1, 2, 3, 4],
      [4, 3, 2, 1],
      [1, 2, 3, 4],
    ]);
    const label = byDay([
      [1, 3, 2, 4],
      [1, 3, 2, 4],
      [1, 3, 2, 4],
    ]);
    const inputs = inputsOf(label, 4, 3);
    const splits = scoreSplits(factor, inputs, { first: { start: 0, end: 1 }, rest: { start: 1, end: 3 } }, { minNames: 3 });
    expect([...splits.first.icPerDay]).toEqual([0.8].map((v) => expect.closeTo(v, 14)));
    expect(splits.rest.icPerDay.length).toBe(2);
    expect(splits.rest.icPerDay[0]).toBeCloseTo(-0.8, 14);
    const context = createLabelContext(inputs, { start: 0, end: 3 });
    const negated = factor.map((v) => -v);
    expect(scoreWithContext(negated, context, { minNames: 3 }).ic.mean).toBeCloseTo(
      -scoreWithContext(factor, context, { minNames: 3 }).ic.mean,
      14,
    );
  });

  it('rejects mis-sized inputs and bad options instead of scoring garbage', () => {
    const label = byDay([[1, 2, 3, 4]]);
    const inputs = inputsOf(label, 4, 1);
    expect(() => scoreFactor(new Float64Array(3), inputs, { start: 0, end: 1 })).toThrow(/factor has length 3/);
    expect(() => scoreFactor(new Float64Array(4), inputs, { start: 0, end: 2 })).toThrow(/day range/);
    expect(() => scoreFactor(new Float64Array(4), inputs, { start: 0, end: 1 }, { minNames: 2 })).toThrow(/minNames/);
    expect(() => scoreFactor(new Float64Array(4), inputs, { start: 0, end: 1 }, { quantiles: 1.5 })).toThrow(/quantiles/);
  });
});
