/**
 * Quantile (bucket) diagnostics: each day the scored names are split into
 * equal-count groups by factor, and the mean label of each group recorded.
 */

import type { CrossSection } from './crossSection.js';
import { summarizeDaily } from './dailySummary.js';
import { rankCorrelation } from './correlation.js';
import { RankScratch, rankValues } from '../../operators/kernels/ranking.js';
import type { QuantileSummary } from './types.js';

/**
 * First ascending position of group `g` (0 = lowest factor) when n names are
 * split into equal-count groups: position p is in group floor(p * groups / n),
 * so sizes differ by at most one, and ties are split by instrument order.
 */
export function quantileStart(g: number, n: number, groups: number): number {
  return Math.ceil((g * n) / groups);
}

export class QuantileAccumulator {
  readonly spreadPerDay: Float64Array;
  private readonly sumOfMeans: Float64Array;
  private readonly dayMean: Float64Array;
  private days = 0;

  constructor(
    readonly groups: number,
    rangeDays: number,
  ) {
    this.spreadPerDay = new Float64Array(rangeDays).fill(NaN);
    this.sumOfMeans = new Float64Array(groups);
    this.dayMean = new Float64Array(groups);
  }

  /** Adds scored day `d`; days with fewer names than groups are left out. */
  addDay(d: number, cs: CrossSection): void {
    const { n, order, label } = cs;
    const groups = this.groups;
    if (n < groups) return;
    for (let g = 0; g < groups; g++) {
      const start = quantileStart(g, n, groups);
      const end = quantileStart(g + 1, n, groups);
      let sum = 0;
      for (let p = start; p < end; p++) sum += label[order[p]!]!;
      this.dayMean[g] = sum / (end - start);
      this.sumOfMeans[g] += this.dayMean[g]!;
    }
    this.spreadPerDay[d] = this.dayMean[groups - 1]! - this.dayMean[0]!;
    this.days++;
  }

  summary(hacLags: number | undefined): QuantileSummary {
    const groups = this.groups;
    const meanLabel = this.sumOfMeans.map((s) => (this.days > 0 ? s / this.days : NaN));
    return {
      groups,
      meanLabel,
      spreadPerDay: this.spreadPerDay,
      spread: summarizeDaily(this.spreadPerDay, hacLags),
      monotonicity: this.days > 0 ? monotonicity(meanLabel) : NaN,
    };
  }
}

/** Spearman correlation of group number (1..Q) with each group's mean label. */
function monotonicity(meanLabel: Float64Array): number {
  const q = meanLabel.length;
  const groupRank = Float64Array.from({ length: q }, (_, g) => g + 1);
  const labelRank = new Float64Array(q);
  rankValues(meanLabel, q, labelRank, new Int32Array(q), new RankScratch(q));
  return rankCorrelation(groupRank, labelRank, q);
}
