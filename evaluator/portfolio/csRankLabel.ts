/**
 * qlib's CSRankNorm on the label (a learn processor: train and valid only):
 * each day, the label's percentile rank among that day's rows (average rank
 * for ties, divided by the day's count, as pandas' rank(pct=True)) mapped to
 * (pct - 0.5) * 3.46, about unit variance for a uniform rank.
 */

import { RankScratch, rankValues } from '../../operators/kernels/ranking.js';
import type { RowSet } from './rows.js';

/** 1 / std of a uniform [0, 1] variable, rounded as qlib does. */
export const CS_RANK_SCALE = 3.46;

/** `rows` must hold only finite labels (built with the label, i.e. after DropnaLabel). */
export function csRankLabel(label: Float64Array, rows: RowSet, T: number): Float32Array {
  const out = new Float32Array(rows.count);
  const days = rows.dayStart.length - 1;
  let widest = 0;
  for (let d = 0; d < days; d++) widest = Math.max(widest, rows.dayStart[d + 1]! - rows.dayStart[d]!);
  const values = new Float64Array(widest);
  const ranks = new Float64Array(widest);
  const order = new Int32Array(widest);
  const scratch = new RankScratch(widest);
  for (let d = 0; d < days; d++) {
    const first = rows.dayStart[d]!;
    const n = rows.dayStart[d + 1]! - first;
    for (let k = 0; k < n; k++) values[k] = label[rows.instrument[first + k]! * T + rows.day[first + k]!]!;
    rankValues(values, n, ranks, order, scratch);
    for (let k = 0; k < n; k++) out[first + k] = (ranks[k]! / n - 0.5) * CS_RANK_SCALE;
  }
  return out;
}
