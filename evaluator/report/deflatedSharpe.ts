/**
 * The multiple-testing guard of a report (Bailey & López de Prado 2014,
 * "The Deflated Sharpe Ratio"): how likely the strategy's true Sharpe ratio
 * is positive once we account for having kept the best of many trials, for
 * a short sample and for non-normal returns.
 *
 *   SR0 = sqrt(V) * ((1 - g) * Q(1 - 1/N) + g * Q(1 - 1/(N e)))
 *   DSR = Phi((SR - SR0) * sqrt(T - 1) / sqrt(1 - skew * SR + (kurt - 1) / 4 * SR^2))
 *
 * with N trials whose Sharpe ratios have variance V, g the Euler-Mascheroni
 * constant, Q the normal quantile, SR the strategy's per-period (not
 * annualised) Sharpe ratio over T periods, skew and kurt (3 for a normal)
 * the moments of its returns. SR0 is the expected maximum Sharpe ratio of N
 * trials that all have a true Sharpe ratio of 0; with one trial it is 0 and
 * the DSR is the probabilistic Sharpe ratio against 0.
 */

import { normalCdf, normalQuantile } from './normal.js';

export const EULER_MASCHERONI = 0.5772156649015329;

export interface DeflatedSharpeInput {
  /** Per-period Sharpe ratio of the selected strategy (mean / std of its returns, not annualised). */
  readonly sharpe: number;
  /** Periods behind it. */
  readonly observations: number;
  readonly skewness: number;
  /** Kurtosis, not excess: 3 for normal returns. */
  readonly kurtosis: number;
  /** Independent trials the strategy was selected from (>= 1). */
  readonly trials: number;
  /** Variance of the trials' per-period Sharpe ratios. */
  readonly trialSharpeVariance: number;
}

export interface DeflatedSharpe {
  /** SR0: the best per-period Sharpe ratio expected from `trials` trials with no skill. */
  readonly expectedMaxSharpe: number;
  /** The standardised distance of the Sharpe ratio from SR0. */
  readonly z: number;
  /** Probability that the true Sharpe ratio exceeds SR0 (in [0, 1]). */
  readonly deflatedSharpeRatio: number;
}

/** E[max of N Sharpe ratios of skill-less trials] with variance V; 0 for a single trial. */
export function expectedMaxSharpe(trials: number, trialSharpeVariance: number): number {
  if (!(trials >= 1)) throw new RangeError(`deflated Sharpe: trials must be >= 1, got ${trials}`);
  if (!(trialSharpeVariance >= 0)) throw new RangeError(`deflated Sharpe: the trials' Sharpe variance must be >= 0, got ${trialSharpeVariance}`);
  if (trials === 1) return 0;
  const g = EULER_MASCHERONI;
  return Math.sqrt(trialSharpeVariance) * ((1 - g) * normalQuantile(1 - 1 / trials) + g * normalQuantile(1 - 1 / (trials * Math.E)));
}

export function deflatedSharpe(input: DeflatedSharpeInput): DeflatedSharpe {
  const { sharpe, observations: T, skewness, kurtosis } = input;
  if (!(T >= 2)) throw new RangeError(`deflated Sharpe: needs at least 2 observations, got ${T}`);
  const sr0 = expectedMaxSharpe(input.trials, input.trialSharpeVariance);
  const spread = 1 - skewness * sharpe + ((kurtosis - 1) / 4) * sharpe * sharpe;
  // A non-positive spread means the moments are inconsistent with the Sharpe ratio (tiny samples): no answer.
  const z = spread > 0 ? ((sharpe - sr0) * Math.sqrt(T - 1)) / Math.sqrt(spread) : NaN;
  return { expectedMaxSharpe: sr0, z, deflatedSharpeRatio: normalCdf(z) };
}

export interface ReturnMoments {
  readonly observations: number;
  readonly mean: number;
  /** Sample standard deviation (ddof = 1). */
  readonly std: number;
  /** mean / std. */
  readonly sharpe: number;
  /** m3 / m2^1.5 with population central moments, as the paper. */
  readonly skewness: number;
  /** m4 / m2^2 (3 for a normal). */
  readonly kurtosis: number;
}

/** Moments of the finite values of a return series. */
export function returnMoments(returns: ArrayLike<number>): ReturnMoments {
  const x = Array.from(returns).filter(Number.isFinite);
  const n = x.length;
  const mean = x.reduce((a, v) => a + v, 0) / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (const v of x) {
    const d = v - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  const std = n > 1 ? Math.sqrt(m2 / (n - 1)) : NaN;
  m2 /= n;
  m3 /= n;
  m4 /= n;
  return { observations: n, mean, std, sharpe: mean / std, skewness: m3 / m2 ** 1.5, kurtosis: m4 / (m2 * m2) };
}

/** |t| a single statistic must exceed for a two-sided test at `alpha` to survive a Bonferroni correction over `tests` tests. */
export function bonferroniCriticalT(tests: number, alpha = 0.05): number {
  if (!(tests >= 1)) throw new RangeError(`Bonferroni: tests must be >= 1, got ${tests}`);
  return normalQuantile(1 - alpha / (2 * tests));
}
