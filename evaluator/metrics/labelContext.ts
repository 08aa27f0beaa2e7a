/**
 * Label-side work done once per (label, universe, range) and reused for
 * every candidate scored against it: the members of each day, their labels,
 * and the labels' cross-sectional ranks.
 */

import { checkSeries } from './options.js';
import { RankScratch, rankValues } from '../../operators/kernels/ranking.js';
import type { DayRange, ScoringInputs } from './types.js';
import { type UniverseIndex, indexUniverse } from './universe.js';

export interface LabelContext extends UniverseIndex {
  /** Label of each slot; NaN where missing. */
  readonly label: Float64Array;
  /** Average rank (1-based) of the slot's label among the day's members with a finite label; NaN where missing. */
  readonly labelRank: Float64Array;
  /** Members with a finite label, per day. */
  readonly labelCount: Int32Array;
  /**
   * Each day's slots with a finite label by ascending label (ties in slot
   * order): the first labelCount[d] entries from dayStart[d]. Ranks of a
   * subset of the day's names are read off it in one pass, without sorting.
   */
  readonly labelOrder: Int32Array;
  /**
   * The slots again, instrument by instrument (days ascending): instrument
   * i's are bySlot[instrumentStart[i] .. instrumentStart[i + 1]), on day
   * offsets slotDay[...] of the range. Reading a factor's members this way
   * walks each instrument's contiguous history instead of jumping across
   * the panel for every day.
   */
  readonly instrumentStart: Int32Array;
  readonly bySlot: Int32Array;
  readonly slotDay: Int32Array;
}

/** Reads only label and universe cells of days inside `range`. */
export function createLabelContext(inputs: ScoringInputs, range: DayRange): LabelContext {
  const index = indexUniverse(inputs.universe, inputs, range);
  checkSeries('label', inputs.label, inputs);
  const { T, dayStart, instrument, maxMembers } = index;
  const days = range.end - range.start;
  const slots = instrument.length;
  const label = new Float64Array(slots);
  const labelRank = new Float64Array(slots).fill(NaN);
  const labelCount = new Int32Array(days);
  const labelOrder = new Int32Array(slots).fill(-1);
  const values = new Float64Array(maxMembers);
  const slotOf = new Int32Array(maxMembers);
  const ranks = new Float64Array(maxMembers);
  const order = new Int32Array(maxMembers);
  const scratch = new RankScratch(maxMembers);
  for (let d = 0; d < days; d++) {
    const t = range.start + d;
    let n = 0;
    for (let s = dayStart[d]!; s < dayStart[d + 1]!; s++) {
      const y = inputs.label[instrument[s]! * T + t]!;
      if (Number.isFinite(y)) {
        label[s] = y;
        values[n] = y;
        slotOf[n++] = s;
      } else {
        label[s] = NaN;
      }
    }
    labelCount[d] = n;
    rankValues(values, n, ranks, order, scratch);
    for (let k = 0; k < n; k++) {
      labelRank[slotOf[k]!] = ranks[k]!;
      labelOrder[dayStart[d]! + k] = slotOf[order[k]!]!;
    }
  }
  const instrumentStart = new Int32Array(inputs.N + 1);
  for (let s = 0; s < slots; s++) instrumentStart[instrument[s]! + 1]++;
  for (let i = 0; i < inputs.N; i++) instrumentStart[i + 1] += instrumentStart[i]!;
  const bySlot = new Int32Array(slots);
  const slotDay = new Int32Array(slots);
  const next = instrumentStart.slice(0, inputs.N);
  for (let d = 0; d < days; d++) {
    for (let s = dayStart[d]!; s < dayStart[d + 1]!; s++) {
      const j = next[instrument[s]!]!++;
      bySlot[j] = s;
      slotDay[j] = d;
    }
  }
  return { ...index, label, labelRank, labelCount, labelOrder, instrumentStart, bySlot, slotDay };
}
