import { describe, expect, it } from 'vitest';

import { bonferroniCriticalT, deflatedSharpe, expectedMaxSharpe, returnMoments } from '../../evaluator/report/deflatedSharpe.js';
import { normalCdf, normalQuantile } from '../../evaluator/report/normal.js';

describe('normal distribution', () => {
  it('matches tabulated values of the CDF and its inverse', () => {
    // Tables (Abramowitz & Stegun 26.2; R's qnorm/pnorm to 16 digits).
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1)).toBeCloseTo(0.8413447460685429, 15);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316301, 15);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 15);
    expect(normalCdf(-10) / 7.61985302416047e-24).toBeCloseTo(1, 7);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14);
    expect(normalQuantile(0.99)).toBeCloseTo(2.3263478740408408, 14);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 13);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1.5)).toBeNaN();
  });

  it('inverts itself over the whole range', () => {
    for (const p of [1e-12, 1e-6, 0.01, 0.2, 0.5, 0.77, 0.999, 1 - 1e-9]) expect(normalCdf(normalQuantile(p)) / p).toBeCloseTo(1, 7);
  });
});

describe('deflated Sharpe ratio (Bailey & López de Prado 2014)', () => {
  it("reproduces the paper's example: 100 trials, V = 1/2 a year, 5 years daily, skew -3, kurtosis 10, SR 2.5 a year -> DSR 0.9004", () => {
    const daily = (annual: number) => annual / Math.sqrt(250);
    const result = deflatedSharpe({ sharpe: daily(2.5), observations: 1250, skewness: -3, kurtosis: 10, trials: 100, trialSharpeVariance: 0.5 / 250 });
    // By hand: SR0 = sqrt(0.5/250) * ((1 - 0.5772157) * Q(0.99) + 0.5772157 * Q(1 - 1/(100 e)))
    //             = 0.0447214 * (0.4227843 * 2.3263479 + 0.5772157 * 2.6802104) = 0.1131720
    const sr0 = Math.sqrt(0.5 / 250) * ((1 - 0.5772156649015329) * 2.3263478740408408 + 0.5772156649015329 * 2.6802104449668875);
    expect(result.expectedMaxSharpe).toBeCloseTo(sr0, 12);
    expect(result.expectedMaxSharpe).toBeCloseTo(0.113172, 6);
    // z = (0.1581139 - 0.1131720) * sqrt(1249) / sqrt(1 + 3 * 0.1581139 + 9/4 * 0.1581139^2) = 1.2838160
    const sr = daily(2.5);
    const z = ((sr - sr0) * Math.sqrt(1249)) / Math.sqrt(1 + 3 * sr + (9 / 4) * sr * sr);
    expect(result.z).toBeCloseTo(z, 12);
    expect(result.z).toBeCloseTo(1.283816, 6);
    expect(result.deflatedSharpeRatio).toBeCloseTo(0.9004, 4);
  });

  it('with one trial is the probabilistic Sharpe ratio against 0', () => {
    // SR 0.1 over 101 normal periods: z = 0.1 * 10 / sqrt(1 + 0.5 * 0.01) = 0.9975093
    const result = deflatedSharpe({ sharpe: 0.1, observations: 101, skewness: 0, kurtosis: 3, trials: 1, trialSharpeVariance: 0.3 });
    expect(result.expectedMaxSharpe).toBe(0);
    expect(result.z).toBeCloseTo(1 / Math.sqrt(1.005), 12);
    expect(result.deflatedSharpeRatio).toBeCloseTo(0.8407413278, 9);
  });

  it('deflates more with more trials and more dispersed trials', () => {
    const base = { sharpe: 0.08, observations: 500, skewness: -0.5, kurtosis: 6, trialSharpeVariance: 0.001 };
    const dsr = (trials: number, v = base.trialSharpeVariance) => deflatedSharpe({ ...base, trials, trialSharpeVariance: v }).deflatedSharpeRatio;
    expect(dsr(10)).toBeLessThan(dsr(2));
    expect(dsr(1000)).toBeLessThan(dsr(10));
    expect(dsr(100, 0.004)).toBeLessThan(dsr(100, 0.001));
    expect(expectedMaxSharpe(100, 0)).toBe(0);
  });

  it('refuses impossible inputs', () => {
    expect(() => expectedMaxSharpe(0, 1)).toThrow(/trials must be >= 1/);
    expect(() => expectedMaxSharpe(5, -1)).toThrow(/variance must be >= 0/);
    expect(() => deflatedSharpe({ sharpe: 0.1, observations: 1, skewness: 0, kurtosis: 3, trials: 1, trialSharpeVariance: 0 })).toThrow(/at least 2/);
  });
});

describe('return moments and the Bonferroni bound', () => {
  it('computes the sample std and population skewness and kurtosis by hand', () => {
    // x = 2, -1, 3, 0, -4 (%): mean 0; sum d^2 = 30e-4, sum d^3 = -30e-6, sum d^4 = 354e-8.
    const m = returnMoments([0.02, -0.01, 0.03, 0, -0.04, NaN]);
    expect(m.observations).toBe(5);
    expect(m.mean).toBeCloseTo(0, 15);
    expect(m.std).toBeCloseTo(Math.sqrt(30e-4 / 4), 15);
    expect(m.skewness).toBeCloseTo(-6e-6 / (6e-4) ** 1.5, 12); // -1/sqrt(6)
    expect(m.skewness).toBeCloseTo(-1 / Math.sqrt(6), 12);
    expect(m.kurtosis).toBeCloseTo(59 / 30, 12); // (354e-8 / 5) / (6e-4)^2
  });

  it('Bonferroni: 1.96 for one test, 3.0233 for twenty at 5 %', () => {
    expect(bonferroniCriticalT(1)).toBeCloseTo(1.959963984540054, 12);
    expect(bonferroniCriticalT(20)).toBeCloseTo(3.023341439739154, 12);
  });
});
