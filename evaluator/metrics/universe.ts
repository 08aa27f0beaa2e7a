/**
 * The members of each day of a range, gathered once: the metrics walk these
 * slots instead of testing N mask cells per day for every candidate.
 */

import { checkRange, checkSeries, checkShape } from './options.js';
import type { DayRange, PanelShape } from './types.js';

export interface UniverseIndex extends PanelShape {
  readonly range: DayRange;
  /** Slots of day `range.start + d` are `dayStart[d] .. dayStart[d + 1]`. */
  readonly dayStart: Int32Array;
  /** Instrument of each slot; a day's slots are in instrument order. */
  readonly instrument: Int32Array;
  /** Most members on any one day. */
  readonly maxMembers: number;
}

/** Reads only the mask cells of days inside `range`; null = every instrument is a member every day. */
export function indexUniverse(universe: Uint8Array | null, shape: PanelShape, range: DayRange): UniverseIndex {
  checkShape(shape);
  checkRange(range, shape);
  if (universe) checkSeries('universe', universe, shape);
  const { N, T } = shape;
  const days = range.end - range.start;
  const dayStart = new Int32Array(days + 1);
  let slots = 0;
  let maxMembers = 0;
  for (let d = 0; d < days; d++) {
    const t = range.start + d;
    let members = N;
    if (universe) {
      members = 0;
      for (let i = 0; i < N; i++) if (universe[i * T + t] !== 0) members++;
    }
    dayStart[d] = slots;
    slots += members;
    maxMembers = Math.max(maxMembers, members);
  }
  dayStart[days] = slots;
  const instrument = new Int32Array(slots);
  let s = 0;
  for (let d = 0; d < days; d++) {
    const t = range.start + d;
    for (let i = 0; i < N; i++) if (!universe || universe[i * T + t] !== 0) instrument[s++] = i;
  }
  return { N, T, range: { start: range.start, end: range.end }, dayStart, instrument, maxMembers };
}
