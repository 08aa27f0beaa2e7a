/**
 * One day's cross-section: the universe members whose factor and label are
 * both finite, gathered into reusable buffers and ranked. Every per-day
 * metric reads this, so a day is gathered and sorted once per candidate.
 */

import type { LabelContext } from './labelContext.js';
import { RankScratch, rankValues } from '../../operators/kernels/ranking.js';

export class CrossSection {
  /** Names with factor and label finite. */
  n = 0;
  /** Universe members that day. */
  members = 0;
  /** Members whose factor is missing. */
  missingFactor = 0;
  readonly instrument: Int32Array;
  readonly factor: Float64Array;
  readonly label: Float64Array;
  /** Average 1-based ranks among the n names. */
  readonly factorRank: Float64Array;
  readonly labelRank: Float64Array;
  /** Positions 0..n-1 by ascending factor, ties in instrument order. */
  readonly order: Int32Array;
  private readonly labelOrder: Int32Array;
  private readonly scratch: RankScratch;

  constructor(capacity: number) {
    this.instrument = new Int32Array(capacity);
    this.factor = new Float64Array(capacity);
    this.label = new Float64Array(capacity);
    this.factorRank = new Float64Array(capacity);
    this.labelRank = new Float64Array(capacity);
    this.order = new Int32Array(capacity);
    this.labelOrder = new Int32Array(capacity);
    this.scratch = new RankScratch(capacity);
  }

  /**
   * Loads day `d` of the context's range (0 = range.start) and, when it has
   * at least `minNames` names, ranks it. Returns whether the day is scored.
   */
  load(context: LabelContext, factor: Float64Array, d: number, minNames: number): boolean {
    const { T, dayStart, instrument, label, labelRank } = context;
    const t = context.range.start + d;
    const first = dayStart[d]!;
    const last = dayStart[d + 1]!;
    const names = this.instrument;
    const factorOut = this.factor;
    const labelOut = this.label;
    const labelRankOut = this.labelRank;
    let n = 0;
    let missing = 0;
    for (let s = first; s < last; s++) {
      const i = instrument[s]!;
      const f = factor[i * T + t]!;
      if (!Number.isFinite(f)) {
        missing++;
        continue;
      }
      const y = label[s]!;
      if (Number.isNaN(y)) continue;
      names[n] = i;
      factorOut[n] = f;
      labelOut[n] = y;
      labelRankOut[n++] = labelRank[s]!;
    }
    this.n = n;
    this.members = last - first;
    this.missingFactor = missing;
    if (n < minNames) return false;
    rankValues(this.factor, n, this.factorRank, this.order, this.scratch);
    // The precomputed label ranks are over every member with a label; they
    // are this set's ranks only when the factor is missing for none of them.
    if (n !== context.labelCount[d]) rankValues(this.label, n, this.labelRank, this.labelOrder, this.scratch);
    return true;
  }
}
