import { describe, expect, it } from 'vitest';
import { millerMadowMutualInformation } from '../../evaluator/metrics/mutualInformation.js';
import { scoreFactor } from '../../evaluator/metrics/score.js';
import { inputsOf, normals, rng } from './fixtures.js';

const N = 300;
const T = 400;

/** Factor ~ N(0,1), label = rho * factor + sqrt(1 - rho^2) * noise, every cell. */
function gaussianPanel(rho: number, seed: number): { factor: Float64Array; label: Float64Array } {
  const z = normals(rng(seed));
  const factor = new Float64Array(N * T);
  const label = new Float64Array(N * T);
  for (let c = 0; c < N * T; c++) {
    factor[c] = z();
    label[c] = rho * factor[c]! + Math.sqrt(1 - rho * rho) * z();
  }
  return { factor, label };
}

const trueMi = (rho: number) => -0.5 * Math.log(1 - rho * rho);

describe('Miller–Madow mutual information of a contingency table', () => {
  it('matches hand computations', () => {
    // Perfect 2x2 dependence: plug-in ln 2; occupied cells 2 (X), 2 (Y), 2 (joint):
    // correction (1 + 1 - 1) / (2 * 100).
    expect(millerMadowMutualInformation(Float64Array.from([50, 0, 0, 50]), 2)).toBeCloseTo(Math.log(2) + 1 / 200, 14);
    // Exactly independent 2x3 counts: plug-in 0; correction (1 + 2 - 5) / (2 * 60).
    expect(millerMadowMutualInformation(Float64Array.from([10, 10, 10, 10, 10, 10]), 2)).toBeCloseTo(-2 / 120, 14);
    // 2x2 with counts 30 10 / 10 30: p = .375 .125 / .125 .375, margins .5; correction (1 + 1 - 3) / (2 * 80).
    const p = [0.375, 0.125, 0.125, 0.375];
    const plugIn = p.reduce((s, v) => s + v * Math.log(v / 0.25), 0);
    expect(millerMadowMutualInformation(Float64Array.from([30, 10, 10, 30]), 2)).toBeCloseTo(plugIn - 1 / 160, 14);
    expect(millerMadowMutualInformation(new Float64Array(4), 2)).toBeNaN();
    expect(() => millerMadowMutualInformation(new Float64Array(5), 2)).toThrow(/cannot hold/);
  });
});

describe('factor–label mutual information', () => {
  it('is about zero for an independent factor', () => {
    const { factor, label } = gaussianPanel(0, 1);
    const mi = scoreFactor(factor, inputsOf(label, N, T), { start: 0, end: T }).mutualInformation;
    // 120k pairs, 20 x 20 bins: the plug-in bias would be 361 / 240000 = 0.0015; what is left is noise ~1e-4.
    expect(Math.abs(mi)).toBeLessThan(5e-4);
  });

  it('recovers -0.5 ln(1 - rho^2) for a bivariate normal, less what 20 bins lose', () => {
    // MI of the bivariate normal cut into a 20 x 20 grid of equal-probability cells, by numerical integration
    // of its CDF (scipy): 96.7%, 96.4%, 95.5% of the continuous value. Sampling noise: the estimate moves with
    // the sample correlation, sd about (rho / (1 - rho^2)) * (1 - rho^2) / sqrt(120000).
    const binned: Record<number, number> = { 0.2: 0.01973, 0.5: 0.13862, 0.8: 0.48788 };
    for (const rho of [0.2, 0.5, 0.8]) {
      const { factor, label } = gaussianPanel(rho, 2);
      const mi = scoreFactor(factor, inputsOf(label, N, T), { start: 0, end: T }).mutualInformation;
      const sd = rho / Math.sqrt(N * T);
      expect(Math.abs(mi - binned[rho]!), `rho ${rho}: ${mi}`).toBeLessThan(4 * sd);
      expect(mi, `rho ${rho}`).toBeLessThan(trueMi(rho));
    }
  });

  it('gets closer to the truth with finer bins', () => {
    const { factor, label } = gaussianPanel(0.5, 3);
    const mi = (miBins: number) => scoreFactor(factor, inputsOf(label, N, T), { start: 0, end: T }, { miBins }).mutualInformation;
    expect(trueMi(0.5) - mi(50)).toBeLessThan(trueMi(0.5) - mi(10));
    expect(Math.abs(mi(50) - trueMi(0.5))).toBeLessThan(0.006);
  });

  it('is the same for any increasing transform of the factor', () => {
    const { factor, label } = gaussianPanel(0.3, 4);
    const inputs = inputsOf(label, N, T);
    const a = scoreFactor(factor, inputs, { start: 0, end: T });
    const b = scoreFactor(factor.map((v) => Math.exp(3 * v) + 1e6), inputs, { start: 0, end: T });
    expect(b.mutualInformation).toBe(a.mutualInformation);
    expect(b.rankIc.mean).toBeCloseTo(a.rankIc.mean, 14);
  });

  it('sees a dependence that IC misses', () => {
    // label = |factor| + noise: Pearson and Spearman IC ~0, information clearly positive.
    const z = normals(rng(5));
    const factor = new Float64Array(N * T);
    const label = new Float64Array(N * T);
    for (let c = 0; c < N * T; c++) {
      factor[c] = z();
      label[c] = Math.abs(factor[c]!) + 0.5 * z();
    }
    const score = scoreFactor(factor, inputsOf(label, N, T), { start: 0, end: T });
    expect(Math.abs(score.rankIc.mean)).toBeLessThan(0.01);
    expect(score.mutualInformation).toBeGreaterThan(0.1);
  });
});
