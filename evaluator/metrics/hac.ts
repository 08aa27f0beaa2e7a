/**
 * Newey–West (1987) HAC t-statistic of the mean of a daily series.
 *
 * Daily IC and long-short series are autocorrelated (overlapping two-day
 * labels alone make lag 1 non-zero), so mean / (std / sqrt(n)) overstates
 * significance. The Bartlett-weighted long-run variance corrects for that
 * and is never negative. Missing days are dropped and the rest treated as
 * consecutive, as in a regression of the series on a constant.
 */

export interface HacResult {
  readonly t: number;
  /** Standard error of the mean. */
  readonly se: number;
  readonly lags: number;
  /** Observations used. */
  readonly n: number;
}

/** The usual automatic lag, floor(4 * (n / 100)^(2/9)). */
export function defaultHacLags(n: number): number {
  return n > 0 ? Math.floor(4 * Math.pow(n / 100, 2 / 9)) : 0;
}

export function neweyWestT(series: Float64Array, lags?: number): HacResult {
  const x = series.filter(Number.isFinite);
  const n = x.length;
  const L = Math.min(lags ?? defaultHacLags(n), Math.max(n - 1, 0));
  if (n < 2) return { t: NaN, se: NaN, lags: L, n };
  let sum = 0;
  for (let k = 0; k < n; k++) sum += x[k]!;
  const mean = sum / n;
  for (let k = 0; k < n; k++) x[k] = x[k]! - mean;
  let longRunVariance = autocovariance(x, 0);
  for (let j = 1; j <= L; j++) longRunVariance += 2 * (1 - j / (L + 1)) * autocovariance(x, j);
  const se = Math.sqrt(longRunVariance / n);
  return { t: se > 0 ? mean / se : NaN, se, lags: L, n };
}

/** (1/n) * sum over t of e[t] * e[t - j], the biased estimator that keeps the Bartlett sum positive semi-definite. */
function autocovariance(e: Float64Array, j: number): number {
  let s = 0;
  for (let k = j; k < e.length; k++) s += e[k]! * e[k - j]!;
  return s / e.length;
}
