/**
 * The scores selection needs, and nothing else: IC, ICIR, RankIC, RankICIR
 * (each a DailySummary, HAC t included: it is cheap), mutual information,
 * missing share and day coverage. Every value equals the same field of
 * scoreWithContext bit for bit (same names in the same order, same
 * arithmetic); what is skipped is the quantile buckets, rank
 * autocorrelation and turnover, which finalReport and diagnostics compute.
 *
 * Per day, one ranking of the factor (the distribution sort of rank.ts);
 * the labels' ranks among the day's names come from the label context's
 * precomputed order in one pass, without a sort. The factor's members are
 * gathered instrument by instrument, along each one's contiguous history.
 * (Carrying yesterday's factor order over and insertion-sorting it was
 * measured too: slower than sorting afresh even for an AR(1) factor with
 * day-to-day correlation 0.95.)
 */

import { pearson, rankCorrelation } from './correlation.js';
import { summarizeDaily } from './dailySummary.js';
import type { LabelContext } from './labelContext.js';
import { RankMutualInformation } from './mutualInformation.js';
import { checkSeries, resolveScoreOptions } from './options.js';
import { RankScratch, rankValues } from './rank.js';
import type { DailySummary, DayRange, ScoreOptions } from './types.js';

export interface FitnessScore {
  readonly range: DayRange;
  readonly ic: DailySummary;
  readonly rankIc: DailySummary;
  /** Mutual information (nats) of per-day factor and label ranks, pooled (mutualInformation.ts). */
  readonly mutualInformation: number;
  /** Share of universe cells in the range whose factor value is missing. */
  readonly nanRatio: number;
  /** Share of days in the range that were scored (at least minNames names). */
  readonly dayCoverage: number;
}

/** Scores `factor` against a prepared label context; reads only members' cells of days inside its range. */
export function fitnessWithContext(factor: Float64Array, context: LabelContext, options?: ScoreOptions): FitnessScore {
  checkSeries('factor', factor, context);
  const { minNames, hacLags, miBins } = resolveScoreOptions(options);
  const { dayStart, instrument, label, labelRank, labelCount, labelOrder, maxMembers, range } = context;
  const days = range.end - range.start;
  const slotFactor = gatherMembers(factor, context);
  const icPerDay = new Float64Array(days).fill(NaN);
  const rankIcPerDay = new Float64Array(days).fill(NaN);
  const mi = new RankMutualInformation(miBins);
  const day = new DayScratch(maxMembers);
  const { names, values, labels, factorRank, subsetLabelRank, position } = day;
  let members = 0;
  let missing = 0;
  let scoredDays = 0;
  for (let d = 0; d < days; d++) {
    const first = dayStart[d]!;
    const last = dayStart[d + 1]!;
    let n = 0;
    for (let s = first; s < last; s++) {
      const f = slotFactor[s]!;
      position[s - first] = -1;
      if (!Number.isFinite(f)) {
        missing++;
        continue;
      }
      const y = label[s]!;
      if (Number.isNaN(y)) continue;
      position[s - first] = n;
      names[n] = instrument[s]!;
      values[n] = f;
      labels[n] = y;
      subsetLabelRank[n++] = labelRank[s]!;
    }
    members += last - first;
    if (n < minNames) continue;
    scoredDays++;
    day.rankFactor(n);
    // Precomputed label ranks are over every member with a label; re-rank for the subset when some lack a factor.
    if (n !== labelCount[d]) subsetRanks(labelOrder, first, labelCount[d]!, label, position, subsetLabelRank);
    icPerDay[d] = pearson(values, labels, n);
    rankIcPerDay[d] = rankCorrelation(factorRank, subsetLabelRank, n);
    mi.addDay({ n, factorRank, labelRank: subsetLabelRank });
  }
  return {
    range,
    ic: summarizeDaily(icPerDay, hacLags),
    rankIc: summarizeDaily(rankIcPerDay, hacLags),
    mutualInformation: mi.value(),
    nanRatio: members > 0 ? missing / members : NaN,
    dayCoverage: days > 0 ? scoredDays / days : NaN,
  };
}

let gathered = new Float64Array(0);

/** The factor at every slot of the context (reused scratch, valid until the next call). */
function gatherMembers(factor: Float64Array, context: LabelContext): Float64Array {
  const { N, T, range, instrumentStart, bySlot, slotDay } = context;
  if (gathered.length < bySlot.length) gathered = new Float64Array(bySlot.length);
  const out = gathered;
  for (let i = 0; i < N; i++) {
    const base = i * T + range.start;
    for (let j = instrumentStart[i]!; j < instrumentStart[i + 1]!; j++) out[bySlot[j]!] = factor[base + slotDay[j]!]!;
  }
  return out;
}

/**
 * Average ranks among the names present today (position >= 0) from the
 * day's label order: walking it in ascending label, present names get
 * consecutive positions, and ties (equal labels) share their mean.
 */
function subsetRanks(
  labelOrder: Int32Array, first: number, count: number, label: Float64Array, position: Int32Array, ranks: Float64Array,
): void {
  let next = 0; // names ranked so far
  let k = first;
  const end = first + count;
  while (k < end) {
    // one run of equal labels
    const y = label[labelOrder[k]!]!;
    let j = k;
    const runStart = next;
    while (j < end && label[labelOrder[j]!] === y) {
      if (position[labelOrder[j]! - first]! >= 0) next++;
      j++;
    }
    const rank = (runStart + next + 1) / 2;
    for (let m = k; m < j; m++) {
      const p = position[labelOrder[m]! - first]!;
      if (p >= 0) ranks[p] = rank;
    }
    k = j;
  }
}

/** One day's gathered names, values and ranks. */
class DayScratch {
  readonly names: Int32Array;
  readonly values: Float64Array;
  readonly labels: Float64Array;
  readonly factorRank: Float64Array;
  readonly subsetLabelRank: Float64Array;
  /** Today's index of each of the day's slots (by offset from dayStart), -1 when not scored. */
  readonly position: Int32Array;
  private readonly order: Int32Array;
  private readonly scratch: RankScratch;

  constructor(capacity: number) {
    this.names = new Int32Array(capacity);
    this.values = new Float64Array(capacity);
    this.labels = new Float64Array(capacity);
    this.factorRank = new Float64Array(capacity);
    this.subsetLabelRank = new Float64Array(capacity);
    this.position = new Int32Array(capacity);
    this.order = new Int32Array(capacity);
    this.scratch = new RankScratch(capacity);
  }

  /** factorRank[k] = average rank of values[k] among values[0..n). */
  rankFactor(n: number): void {
    rankValues(this.values, n, this.factorRank, this.order, this.scratch);
  }
}
