/**
 * qlib's RobustZScoreNorm (the infer processor of its Alpha158 benchmarks):
 * per feature, centre = median and scale = (MAD + 1e-12) * 1.4826, both fitted
 * on the train rows only; applied everywhere as (x - centre) / scale clipped
 * to [-3, 3]. NaN is skipped by the fit (numpy's nanmedian) and stays NaN
 * through the transform, for Fillna to set to 0 afterwards.
 */

import type { RowSet } from './rows.js';

export const ROBUST_CLIP = 3;
/** MAD of a normal distribution times this is its standard deviation. */
export const MAD_TO_STD = 1.4826;
/** Added to the MAD before scaling, as qlib does, so a constant feature does not divide by zero. */
export const MAD_EPSILON = 1e-12;

export interface RobustZScore {
  readonly center: Float64Array;
  readonly scale: Float64Array;
}

/** Fits on the cells of `rows` (train only: nothing of valid or test may shape the transform). */
export function fitRobustZScore(features: readonly Float64Array[], rows: RowSet, T: number): RobustZScore {
  const F = features.length;
  const center = new Float64Array(F);
  const scale = new Float64Array(F);
  const scratch = new Float64Array(rows.count);
  for (let k = 0; k < F; k++) {
    const fitted = fitRobustZScoreFeature(features[k]!, rows, T, scratch);
    center[k] = fitted.center;
    scale[k] = fitted.scale;
  }
  return { center, scale };
}

/** One feature's centre and scale; `scratch` holds at least rows.count values and is overwritten. */
export function fitRobustZScoreFeature(values: Float64Array, rows: RowSet, T: number, scratch: Float64Array): { center: number; scale: number } {
  let n = 0;
  for (let r = 0; r < rows.count; r++) {
    const v = values[rows.instrument[r]! * T + rows.day[r]!]!;
    if (!Number.isNaN(v)) scratch[n++] = v;
  }
  const median = medianInPlace(scratch, n);
  for (let m = 0; m < n; m++) scratch[m] = Math.abs(scratch[m]! - median);
  return { center: median, scale: (medianInPlace(scratch, n) + MAD_EPSILON) * MAD_TO_STD };
}

/** The transform of one value; NaN stays NaN. */
export function robustZ(value: number, center: number, scale: number): number {
  const z = (value - center) / scale;
  return z > ROBUST_CLIP ? ROBUST_CLIP : z < -ROBUST_CLIP ? -ROBUST_CLIP : z;
}

/**
 * Median of `values[0..n)` (mean of the two middle values when n is even, as
 * numpy), NaN when n = 0. Reorders those values: quickselect, O(n) expected.
 */
export function medianInPlace(values: Float64Array, n: number): number {
  if (n === 0) return NaN;
  const upper = n >> 1;
  const high = select(values, 0, n - 1, upper);
  if (n % 2 === 1) return high;
  // After selecting `upper`, everything left of it is <= it: the lower middle is their maximum.
  let low = -Infinity;
  for (let k = 0; k < upper; k++) if (values[k]! > low) low = values[k]!;
  return (low + high) / 2;
}

/** Places the k-th smallest of values[lo..hi] at index k (Hoare partition, median-of-three pivot). */
function select(values: Float64Array, lo: number, hi: number, k: number): number {
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    const pivot = medianOfThree(values[lo]!, values[mid]!, values[hi]!);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const swap = values[i]!;
        values[i] = values[j]!;
        values[j] = swap;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k]!;
  }
  return values[k]!;
}

function medianOfThree(a: number, b: number, c: number): number {
  return a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
}
