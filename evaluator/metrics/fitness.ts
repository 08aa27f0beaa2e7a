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
import { RankScratch, sortForRanks } from '../../operators/kernels/ranking.js';
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
  const days = range.end - range.start;
  const icPerDay = new Float64Array(days).fill(NaN);
  const rankIcPerDay = new Float64Array(days).fill(NaN);
  const mi = new RankMutualInformation(miBins);
  // Integer counts while counting (cheaper to increment), the same integers in mi's table at the end.
  const miCounts = new Int32Array(miBins * miBins);
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
      rankIcPerDay[d] = rankStatistics(keys, order, n, factorRank, factorRow, labelRank, first, miBins, miCounts);
    } else {
      icPerDay[d] = subsetDay(factor, context, d, n, sx, day, mi, miCounts, rankIcPerDay);
    }
  }
  mi.counts.set(miCounts);
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
  factor: Float64Array, context: LabelContext, d: number, n: number, sx: number, day: DayScratch, mi: RankMutualInformation, miCounts: Int32Array,
  rankIcPerDay: Float64Array,
): number {
  const { label } = context;
  const { labeledStart, cell, slot, labelOrder, tiedWithPrevious } = labelPrep(context);
  const { values, labels, subsetLabelRank, position, keys, order, rankScratch } = day;
  const first = labeledStart[d]!;
  const count = labeledStart[d + 1]! - first;
  let p = 0;
  let sy = 0;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (let k = 0; k < count; k++) {
    if (!Number.isFinite(factor[cell[first + k]!]!)) {
      position[k] = -1;
      continue;
    }
    const y = label[slot[first + k]!]!;
    position[k] = p;
    labels[p++] = y;
    sy += y;
    if (y < yMin) yMin = y;
    if (y > yMax) yMax = y;
  }
  subsetRanks(labelOrder, tiedWithPrevious, first, count, position, subsetLabelRank);
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
  rankIcPerDay[d] = rankStatistics(keys, order, n, day.factorRank, day.factorRow, subsetLabelRank, 0, mi.bins, miCounts);
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
 * correlation.ts) and adds their rank bins to `counts`, a bins x bins
 * table (RankMutualInformation.addDay). Name k's label rank is
 * `labelRank[base + k]`, read in order (the prepared ranks are a large
 * array; the ranks by name a day's worth). Average ranks are
 * multiples of 1/2 and their products multiples of 1/4, far below 2^50:
 * every sum here is exact, whatever the order.
 */
function rankStatistics(
  keys: Float64Array, order: Int32Array, n: number, factorRank: Float64Array, factorRow: Int32Array,
  labelRank: Float32Array, base: number, bins: number, counts: Int32Array,
): number {
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
    const r = labelRank[base + k]!;
    const dy = r - mean;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
    counts[factorRow[k]! + (((r - 0.5) * scale) | 0)]!++;
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
  /** Exact as float32 (multiples of 1/2 below 2^23), and half the bytes to stream per candidate. */
  readonly labelRank: Float32Array;
  /** The slot of each labeled name. */
  readonly slot: Int32Array;
  /**
   * Each day's labeled names by ascending label, as offsets from
   * labeledStart[d], and whether each one's label equals the previous one's
   * (for subsetRanks).
   */
  readonly labelOrder: Int32Array;
  readonly tiedWithPrevious: Uint8Array;
  readonly unlabeledStart: Int32Array;
  readonly unlabeledCell: Float64Array | Int32Array;

  constructor(private readonly context: LabelContext) {
    const { N, T, range, dayStart, instrument, label, labelCount, labelRank, labelOrder } = context;
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
    this.labelRank = new Float32Array(labeled);
    this.slot = new Int32Array(labeled);
    this.labelOrder = new Int32Array(labeled);
    this.tiedWithPrevious = new Uint8Array(labeled);
    this.unlabeledStart = new Int32Array(days + 1);
    const offsetOf = new Int32Array(context.maxMembers);
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
        this.slot[k] = s;
        offsetOf[s - dayStart[d]!] = k - first;
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
      for (let r = 0; r < k - first; r++) {
        const s = labelOrder[dayStart[d]! + r]!;
        this.labelOrder[first + r] = offsetOf[s - dayStart[d]!]!;
        this.tiedWithPrevious[first + r] = r > 0 && label[s] === label[labelOrder[dayStart[d]! + r - 1]!] ? 1 : 0;
      }
      this.labelState[d] = yMin === yMax ? LABEL_CONSTANT : extreme(yMin, yMax) ? LABEL_EXTREME : LABEL_USABLE;
    }
    this.labeledStart[days] = k;
    this.unlabeledStart[days] = u;
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
 * day's prepared label order: walking it in ascending label, present names
 * get consecutive positions, and ties (equal labels) share their mean.
 */
function subsetRanks(
  labelOrder: Int32Array, tiedWithPrevious: Uint8Array, first: number, count: number, position: Int32Array, ranks: Float32Array,
): void {
  let next = 0; // names ranked so far
  let k = 0;
  while (k < count) {
    // one run of equal labels
    let j = k;
    const runStart = next;
    do {
      if (position[labelOrder[first + j]!]! >= 0) next++;
      j++;
    } while (j < count && tiedWithPrevious[first + j] === 1);
    const rank = (runStart + next + 1) / 2;
    for (let m = k; m < j; m++) {
      const p = position[labelOrder[first + m]!]!;
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

  /** The day's factor values of names with a label, and on subset days their labels and label ranks. */
  readonly values: Float64Array;
  readonly labels: Float64Array;
  readonly subsetLabelRank: Float32Array;
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
    this.subsetLabelRank = new Float32Array(capacity);
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
