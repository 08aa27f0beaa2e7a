/**
 * The sample rows of one split: (day, instrument) cells of universe members,
 * day-major with instruments in index order inside a day (qlib's datasets are
 * sorted by datetime, then instrument), so each day's cross-section is a
 * contiguous block of rows.
 */

import type { DayRange, PanelShape } from '../metrics/types.js';

export interface RowSet {
  readonly range: DayRange;
  readonly count: number;
  readonly day: Int32Array;
  readonly instrument: Int32Array;
  /** Rows of day `range.start + d` are `dayStart[d] .. dayStart[d + 1]`. */
  readonly dayStart: Int32Array;
}

/**
 * Members of `universe` on the days of `range`. With `label`, only rows whose
 * label is finite (qlib's DropnaLabel); without, every member row (what the
 * model predicts on).
 */
export function memberRows(universe: Uint8Array, shape: PanelShape, range: DayRange, label: Float64Array | null): RowSet {
  const { N, T } = shape;
  const keep = (i: number, t: number): boolean => universe[i * T + t] !== 0 && (label === null || Number.isFinite(label[i * T + t]!));
  const days = range.end - range.start;
  const dayStart = new Int32Array(days + 1);
  let count = 0;
  for (let d = 0; d < days; d++) {
    dayStart[d] = count;
    for (let i = 0; i < N; i++) if (keep(i, range.start + d)) count++;
  }
  dayStart[days] = count;
  const day = new Int32Array(count);
  const instrument = new Int32Array(count);
  let r = 0;
  for (let d = 0; d < days; d++) {
    const t = range.start + d;
    for (let i = 0; i < N; i++) {
      if (!keep(i, t)) continue;
      day[r] = t;
      instrument[r++] = i;
    }
  }
  return { range: { start: range.start, end: range.end }, count, day, instrument, dayStart };
}

/** Scatters per-row values into an N*T series (NaN on every other cell), the layout the metrics read. */
export function rowsToSeries(rows: RowSet, values: ArrayLike<number>, shape: PanelShape): Float64Array {
  const series = new Float64Array(shape.N * shape.T).fill(NaN);
  for (let r = 0; r < rows.count; r++) series[rows.instrument[r]! * shape.T + rows.day[r]!] = values[r]!;
  return series;
}
