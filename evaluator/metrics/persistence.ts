/**
 * How much the factor's cross-section changes from one day to the next,
 * with alphalens' definitions:
 * - rank autocorrelation: Pearson correlation, over names scored both days,
 *   of each day's own cross-sectional factor ranks;
 * - top-group turnover: share of today's top group that was not in
 *   yesterday's top group.
 * Both need the previous day of the range to have been scored.
 */

import { pearson } from './correlation.js';
import type { CrossSection } from './crossSection.js';
import { quantileStart } from './quantiles.js';

export class PersistenceAccumulator {
  readonly autocorrelationPerDay: Float64Array;
  readonly turnoverPerDay: Float64Array;
  /** Last scored day each instrument appeared in, and its rank and top-group day then. */
  private readonly seenDay: Int32Array;
  private readonly seenRank: Float64Array;
  private readonly topDay: Int32Array;
  private readonly today: Float64Array;
  private readonly yesterday: Float64Array;
  private lastScoredDay = -2;

  constructor(
    N: number,
    capacity: number,
    rangeDays: number,
    private readonly groups: number,
    private readonly minNames: number,
  ) {
    this.autocorrelationPerDay = new Float64Array(rangeDays).fill(NaN);
    this.turnoverPerDay = new Float64Array(rangeDays).fill(NaN);
    this.seenDay = new Int32Array(N).fill(-2);
    this.seenRank = new Float64Array(N);
    this.topDay = new Int32Array(N).fill(-2);
    this.today = new Float64Array(capacity);
    this.yesterday = new Float64Array(capacity);
  }

  /** Adds scored day `d` (days must come in increasing order). */
  addDay(d: number, cs: CrossSection): void {
    const { n, instrument, factorRank, order } = cs;
    const { seenDay, seenRank, topDay, today, yesterday } = this;
    const previous = d - 1;
    const topFirst = quantileStart(this.groups - 1, n, this.groups);
    if (this.lastScoredDay === previous) {
      let pairs = 0;
      for (let k = 0; k < n; k++) {
        const i = instrument[k]!;
        if (seenDay[i] !== previous) continue;
        today[pairs] = factorRank[k]!;
        yesterday[pairs++] = seenRank[i]!;
      }
      if (pairs >= this.minNames) this.autocorrelationPerDay[d] = pearson(today, yesterday, pairs);
      let entered = 0;
      for (let p = topFirst; p < n; p++) if (topDay[instrument[order[p]!]!] !== previous) entered++;
      if (n > topFirst) this.turnoverPerDay[d] = entered / (n - topFirst);
    }
    for (let k = 0; k < n; k++) {
      const i = instrument[k]!;
      seenDay[i] = d;
      seenRank[i] = factorRank[k]!;
    }
    for (let p = topFirst; p < n; p++) topDay[instrument[order[p]!]!] = d;
    this.lastScoredDay = d;
  }
}
