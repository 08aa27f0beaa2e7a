/**
 * Mutual information between factor and label, comparable across factors.
 *
 * Estimator: each day, both factor and label are replaced by their
 * cross-sectional ranks mapped to (0, 1) and cut into `bins` equal-frequency
 * bins; the (factor bin, label bin) pairs of all scored days are pooled into
 * one contingency table, whose mutual information (nats) is taken with the
 * Miller–Madow bias correction. Why:
 * - Per-day ranks make the estimate invariant to any increasing transform of
 *   the factor (z-scoring, logs, scale), so two factors that order stocks the
 *   same way score the same: MI depends on what the factor says about the
 *   cross-section, like RankIC, not on its units.
 * - Pooling raw values instead would let market-wide moves and
 *   time-varying factor levels dominate (a volatility-level factor would
 *   "predict" return dispersion regimes), which IC-style metrics exclude.
 * - Equal-frequency bins on ranks estimate the copula's MI; for a bivariate
 *   normal with correlation rho the true value is -0.5 ln(1 - rho^2), and 20
 *   bins recover about 96% of it (binning can only lose information), e.g.
 *   0.0197 of 0.0204 at rho = 0.2. Ties share a bin, so a discrete factor is
 *   not credited with information its ties do not carry.
 * - The plug-in estimate is biased upward by about (B-1)^2 / (2 n) for B bins
 *   and n pairs; Miller–Madow subtracts exactly that first-order term (with
 *   occupied-cell counts), so an independent factor scores ~0 whatever the
 *   range length, and thresholds such as CogAlpha's MI >= 0.02 mean the same
 *   on a short validation year as on a long training period.
 */

import type { CrossSection } from './crossSection.js';

/** Pools the per-day rank bins of scored days into a bins x bins contingency table. */
export class RankMutualInformation {
  /** counts[factorBin * bins + labelBin]. */
  readonly counts: Float64Array;

  constructor(readonly bins: number) {
    this.counts = new Float64Array(bins * bins);
  }

  addDay(cs: Pick<CrossSection, 'n' | 'factorRank' | 'labelRank'>): void {
    const { n, factorRank, labelRank } = cs;
    const { bins, counts } = this;
    const scale = bins / n;
    // Average rank r of n falls in bin floor((r - 0.5) / n * bins): (r - 0.5) / n is in (0, 1).
    for (let k = 0; k < n; k++) {
      counts[(((factorRank[k]! - 0.5) * scale) | 0) * bins + (((labelRank[k]! - 0.5) * scale) | 0)]!++;
    }
  }

  value(): number {
    return millerMadowMutualInformation(this.counts, this.bins);
  }
}

/**
 * Mutual information (nats) of a rows x cols table of counts, with the
 * Miller–Madow correction applied to each entropy:
 * H = plug-in H + (occupied cells - 1) / (2 n), MI = H(X) + H(Y) - H(X, Y).
 */
export function millerMadowMutualInformation(counts: Float64Array, rows: number, cols = counts.length / rows): number {
  if (!Number.isInteger(cols) || rows * cols !== counts.length) {
    throw new RangeError(`a ${rows}-row table cannot hold ${counts.length} counts`);
  }
  const rowSums = new Float64Array(rows);
  const colSums = new Float64Array(cols);
  let total = 0;
  let joint = 0;
  let jointCells = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = counts[r * cols + c]!;
      if (v <= 0) continue;
      rowSums[r] += v;
      colSums[c] += v;
      total += v;
      joint += v * Math.log(v);
      jointCells++;
    }
  }
  if (total === 0) return NaN;
  const marginal = (sums: Float64Array): { sumVLogV: number; cells: number } => {
    let sumVLogV = 0;
    let cells = 0;
    for (const v of sums) {
      if (v <= 0) continue;
      sumVLogV += v * Math.log(v);
      cells++;
    }
    return { sumVLogV, cells };
  };
  const x = marginal(rowSums);
  const y = marginal(colSums);
  // With H = ln n - (1/n) sum v ln v, the ln n terms cancel: H(X) + H(Y) - H(X,Y) = ln n + (joint - x - y) / n.
  const plugIn = Math.log(total) + (joint - x.sumVLogV - y.sumVLogV) / total;
  const correction = (x.cells - 1 + (y.cells - 1) - (jointCells - 1)) / (2 * total);
  return plugIn + correction;
}
