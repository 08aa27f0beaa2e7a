/**
 * The scores selection needs, and nothing else: IC, ICIR, RankIC, RankICIR
 * (each a DailySummary, HAC t included: it is cheap), mutual information,
 * missing share and day coverage. Every value equals the same field of
 * scoreWithContext bit for bit (same names in the same order, same
 * arithmetic); what is skipped is the quantile buckets, rank
 * autocorrelation and turnover, which finalReport and diagnostics compute.
 *
 * This is the swarm's per-candidate cost, so the label side is prepared
 * once per label context (LabelPrep: each day's members with a label, their
 * panel cells, centred labels, ranks and rank bins) and a candidate's day
 * costs: one read of the factor at those cells, one pass for the IC, one
 * sort of the factor (sortForRanks), and one walk of the sorted values that
 * yields the RankIC and the mutual information bins together. Days where
 * the factor is missing for some names with a label (a subset of the
 * prepared ones) re-rank the labels for the subset from the context's
 * precomputed label order, without sorting.
 * (Carrying yesterday's factor order over and insertion-sorting it was
 * measured too: slower than sorting afresh even for an AR(1) factor with
 * day-to-day correlation 0.95. Gathering the factor instrument by instrument
 * or in blocks of days instead of reading it day by day was no faster.)
 */

import { pearson } from './correlation.js';
import { summarizeDaily } from './dailySummary.js';
import type { LabelContext } from './labelContext.js';
import { RankMutualInformation } from './mutualInformation.js';
import { checkSeries, resolveScoreOptions } from './options.js';
import { RankScratch, sortForRanks } from './rank.js';
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
  const { dayStart, range } = context;
  const prep = labelPrep(context);
  const { labeledStart, cell, centred, labelSquares, labelState, labelRank, unlabeledStart, unlabeledCell } = prep;
  const labelBin = prep.binsFor(miBins);
  const days = range.end - range.start;
  const icPerDay = new Float64Array(days).fill(NaN);
  const rankIcPerDay = new Float64Array(days).fill(NaN);
  const mi = new RankMutualInformation(miBins);
  const day = DayScratch.atLeast(context.maxMembers);
  const { values, keys, order, factorRank, factorRow, rankScratch } = day;
  let members = 0;
  let missing = 0;
  let scoredDays = 0;
  for (let d = 0; d < days; d++) {
    const first = labeledStart[d]!;
    const count = labeledStart[d + 1]! - first;
    // The factor of the names with a label, in slot order, and pearson's first-pass sum.
    let n = 0;
    let sx = 0;
    for (let k = first; k < first + count; k++) {
      const f = factor[cell[k]!]!;
      if (Number.isFinite(f)) {
        values[n++] = f;
        sx += f;
      }
    }
    members += dayStart[d + 1]! - dayStart[d]!;
    missing += count - n;
    for (let u = unlabeledStart[d]!; u < unlabeledStart[d + 1]!; u++) if (!Number.isFinite(factor[unlabeledCell[u]!]!)) missing++;
    if (n < minNames) continue;
    scoredDays++;
    if (n === count) {
      // Every name with a label has a factor: the prepared label side applies as is.
      // Pearson's second pass, taken before knowing whether the factor is constant or extreme (decided below).
      const mx = sx / n;
      let sxy = 0;
      let sxx = 0;
      for (let k = 0; k < n; k++) {
        const dx = values[k]! - mx;
        sxy += dx * centred[first + k]!;
        sxx += dx * dx;
      }
      sortForRanks(values, n, mx, Math.sqrt(sxx / n), keys, order, rankScratch);
      const state = labelState[d]!;
      if (keys[0] === keys[n - 1] || state === LABEL_CONSTANT) {
        // a constant side: no correlation
      } else if (state === LABEL_EXTREME || extreme(keys[0]!, keys[n - 1]!)) {
        icPerDay[d] = pearson(values, day.dayLabels(context, d), n);
      } else {
        icPerDay[d] = sxy / (Math.sqrt(sxx) * Math.sqrt(labelSquares[d]!));
      }
      rankIcPerDay[d] = rankStatistics(keys, order, n, factorRank, factorRow, labelRank, labelBin, first, mi);
    } else {
      icPerDay[d] = subsetDay(factor, context, d, n, sx, day, mi, rankIcPerDay);
    }
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

/** Whether pearson scales values between `min` and `max` (correlation.ts's powerOfTwoScale is not 1). */
function extreme(min: number, max: number): boolean {
  const magnitude = Math.max(-min, max);
  return magnitude > 1e150 || magnitude < 1e-150;
}

/**
 * A day where some names with a label have no factor: labels, their ranks
 * and bins for the subset, then the same as a full day. Writes the day's
 * RankIC and returns its IC.
 */
function subsetDay(
  factor: Float64Array, context: LabelContext, d: number, n: number, sx: number, day: DayScratch, mi: RankMutualInformation, rankIcPerDay: Float64Array,
): number {
  const { T, dayStart, instrument, label, labelCount, labelOrder } = context;
  const { values, labels, subsetLabelRank, subsetBin, position, keys, order, rankScratch } = day;
  const t = context.range.start + d;
  const first = dayStart[d]!;
  const last = dayStart[d + 1]!;
  let p = 0;
  let sy = 0;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (let s = first; s < last; s++) {
    const y = label[s]!;
    if (Number.isNaN(y) || !Number.isFinite(factor[instrument[s]! * T + t]!)) {
      position[s - first] = -1;
      continue;
    }
    position[s - first] = p;
    labels[p++] = y;
    sy += y;
    if (y < yMin) yMin = y;
    if (y > yMax) yMax = y;
  }
  subsetRanks(labelOrder, first, labelCount[d]!, label, position, subsetLabelRank);
  const scale = mi.bins / n;
  for (let k = 0; k < n; k++) subsetBin[k] = ((subsetLabelRank[k]! - 0.5) * scale) | 0;
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let k = 0; k < n; k++) {
    const dx = values[k]! - mx;
    const dy = labels[k]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  sortForRanks(values, n, mx, Math.sqrt(sxx / n), keys, order, rankScratch);
  rankIcPerDay[d] = rankStatistics(keys, order, n, day.factorRank, day.factorRow, subsetLabelRank, subsetBin, 0, mi);
  if (keys[0] === keys[n - 1] || yMin === yMax) return NaN;
  if (extreme(keys[0]!, keys[n - 1]!) || extreme(yMin, yMax)) return pearson(values, labels, n);
  return sxy / (Math.sqrt(sxx) * Math.sqrt(syy));
}

/**
 * One day's RankIC and mutual information bins from the factor's sorted
 * values (`keys`, with `order` their positions among the day's n names):
 * the average ranks are read off the sorted values, run of ties by run,
 * into `factorRank` by name; then one pass over the names in order returns
 * the Spearman correlation with their label ranks (rankCorrelation of
 * correlation.ts) and adds their rank bins to `mi`
 * (RankMutualInformation.addDay). Name k's label rank and bin are
 * `labelRank[base + k]` and `labelBin[base + k]`, read in order (those
 * arrays are large; the ranks by name are a day's worth). Average ranks are
 * multiples of 1/2 and their products multiples of 1/4, far below 2^50:
 * every sum here is exact, whatever the order.
 */
function rankStatistics(
  keys: Float64Array, order: Int32Array, n: number, factorRank: Float64Array, factorRow: Int32Array,
  labelRank: Float64Array, labelBin: Int32Array, base: number, mi: RankMutualInformation,
): number {
  const { bins, counts } = mi;
  const mean = (n + 1) / 2;
  const scale = bins / n;
  let a = 0;
  while (a < n) {
    const v = keys[a]!;
    let b = a + 1;
    while (b < n && keys[b] === v) b++;
    const rank = (a + b + 1) / 2;
    const row = (((rank - 0.5) * scale) | 0) * bins;
    for (let p = a; p < b; p++) {
      factorRank[order[p]!] = rank;
      factorRow[order[p]!] = row;
    }
    a = b;
  }
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let k = 0; k < n; k++) {
    const dx = factorRank[k]! - mean;
    const dy = labelRank[base + k]! - mean;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
    counts[factorRow[k]! + labelBin[base + k]!]!++;
  }
  // All tied on one side: no correlation.
  if (sxx === 0 || syy === 0) return NaN;
  return sxy / Math.sqrt(sxx * syy);
}

/** labelState: the day's labels can be used prepared (centred, labelSquares). */
const LABEL_USABLE = 0;
/** labelState: all the day's labels are equal: no IC. */
const LABEL_CONSTANT = 1;
/** labelState: magnitudes pearson scales (correlation.ts): the IC takes pearson itself. */
const LABEL_EXTREME = 2;

/**
 * The label side of fitnessWithContext, once per label context: each day's
 * members with a finite label (`labeled` slots, in slot order) as the
 * compact range labeledStart[d] .. labeledStart[d + 1], with their panel
 * cells, labels centred on the day's mean (pearson's second-pass terms when
 * every one of them has a factor), label ranks and MI bins; the other
 * members' cells, for the missing count.
 */
class LabelPrep {
  readonly labeledStart: Int32Array;
  readonly cell: Float64Array | Int32Array;
  readonly centred: Float64Array;
  /** Per day: the sum of squared centred labels (pearson's syy). */
  readonly labelSquares: Float64Array;
  readonly labelState: Uint8Array;
  readonly labelRank: Float64Array;
  readonly unlabeledStart: Int32Array;
  readonly unlabeledCell: Float64Array | Int32Array;
  private bins = 0;
  private labelBin = new Int32Array(0);

  constructor(private readonly context: LabelContext) {
    const { N, T, range, dayStart, instrument, label, labelCount, labelRank } = context;
    const days = range.end - range.start;
    const labeled = labelCount.reduce((a, b) => a + b, 0);
    const unlabeled = instrument.length - labeled;
    // Panel cells fit an Int32Array for any panel under 2^31 cells, i.e. any that fits in memory today.
    const cells = (length: number): Float64Array | Int32Array => (N * T < 2 ** 31 ? new Int32Array(length) : new Float64Array(length));
    this.labeledStart = new Int32Array(days + 1);
    this.cell = cells(labeled);
    this.centred = new Float64Array(labeled);
    this.labelSquares = new Float64Array(days);
    this.labelState = new Uint8Array(days);
    this.labelRank = new Float64Array(labeled);
    this.unlabeledStart = new Int32Array(days + 1);
    this.unlabeledCell = cells(unlabeled);
    let k = 0;
    let u = 0;
    for (let d = 0; d < days; d++) {
      const t = range.start + d;
      this.labeledStart[d] = k;
      this.unlabeledStart[d] = u;
      const first = k;
      let sy = 0;
      let yMin = Infinity;
      let yMax = -Infinity;
      for (let s = dayStart[d]!; s < dayStart[d + 1]!; s++) {
        const y = label[s]!;
        if (Number.isNaN(y)) {
          this.unlabeledCell[u++] = instrument[s]! * T + t;
          continue;
        }
        this.cell[k] = instrument[s]! * T + t;
        this.labelRank[k++] = labelRank[s]!;
        sy += y;
        if (y < yMin) yMin = y;
        if (y > yMax) yMax = y;
      }
      // pearson's label terms, in its order: my from the sum in slot order, then the centred values and their squares.
      const my = sy / (k - first);
      let syy = 0;
      let j = first;
      for (let s = dayStart[d]!; s < dayStart[d + 1]!; s++) {
        const y = label[s]!;
        if (Number.isNaN(y)) continue;
        const dy = y - my;
        this.centred[j++] = dy;
        syy += dy * dy;
      }
      this.labelSquares[d] = syy;
      this.labelState[d] = yMin === yMax ? LABEL_CONSTANT : extreme(yMin, yMax) ? LABEL_EXTREME : LABEL_USABLE;
    }
    this.labeledStart[days] = k;
    this.unlabeledStart[days] = u;
  }

  /** Each labeled slot's MI bin with `bins` bins among the day's labeled names (RankMutualInformation.addDay). */
  binsFor(bins: number): Int32Array {
    if (bins !== this.bins) {
      const { labeledStart, labelRank } = this;
      const labelBin = new Int32Array(labelRank.length);
      for (let d = 0; d + 1 < labeledStart.length; d++) {
        const scale = bins / (labeledStart[d + 1]! - labeledStart[d]!);
        for (let k = labeledStart[d]!; k < labeledStart[d + 1]!; k++) labelBin[k] = ((labelRank[k]! - 0.5) * scale) | 0;
      }
      this.bins = bins;
      this.labelBin = labelBin;
    }
    return this.labelBin;
  }

  /** The day's labels in slot order, every labeled name having a factor (the rare days pearson scales). */
  labels(d: number, out: Float64Array): Float64Array {
    const { dayStart, label } = this.context;
    let n = 0;
    for (let s = dayStart[d]!; s < dayStart[d + 1]!; s++) if (!Number.isNaN(label[s]!)) out[n++] = label[s]!;
    return out;
  }
}

const preps = new WeakMap<LabelContext, LabelPrep>();

function labelPrep(context: LabelContext): LabelPrep {
  let prep = preps.get(context);
  if (prep === undefined) {
    prep = new LabelPrep(context);
    preps.set(context, prep);
  }
  return prep;
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

/** One day's gathered values and ranks; one instance per process, grown as needed. */
class DayScratch {
  private static shared: DayScratch | null = null;

  static atLeast(capacity: number): DayScratch {
    if (DayScratch.shared === null || DayScratch.shared.capacity < capacity) DayScratch.shared = new DayScratch(capacity);
    return DayScratch.shared;
  }

  /** The day's factor values of names with a label, and on subset days their labels, label ranks and MI bins. */
  readonly values: Float64Array;
  readonly labels: Float64Array;
  readonly subsetLabelRank: Float64Array;
  readonly subsetBin: Int32Array;
  /** The factor values sorted, and the position in `values` of each. */
  readonly keys: Float64Array;
  readonly order: Int32Array;
  /** By name: the factor's average rank, and the offset of its MI bin's row. */
  readonly factorRank: Float64Array;
  readonly factorRow: Int32Array;
  /** Today's index of each of the day's slots (by offset from dayStart), -1 when not scored. */
  readonly position: Int32Array;
  readonly rankScratch: RankScratch;

  private constructor(readonly capacity: number) {
    this.values = new Float64Array(capacity);
    this.labels = new Float64Array(capacity);
    this.subsetLabelRank = new Float64Array(capacity);
    this.subsetBin = new Int32Array(capacity);
    this.keys = new Float64Array(capacity);
    this.order = new Int32Array(capacity);
    this.factorRank = new Float64Array(capacity);
    this.factorRow = new Int32Array(capacity);
    this.position = new Int32Array(capacity);
    this.rankScratch = new RankScratch(capacity);
  }

  /** Day d's labels when every name with a label has a factor. */
  dayLabels(context: LabelContext, d: number): Float64Array {
    return labelPrep(context).labels(d, this.labels);
  }
}
