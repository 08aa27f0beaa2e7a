/**
 * Shifts within an instrument's own series (pandas shift, as qlib's Ref/Delta).
 * Lag N > 0 reads N days back, N < 0 reads -N days ahead (labels only), and
 * N = 0 means the instrument's first value (qlib's special case).
 */

import { forEachSeries, lagArg, seriesArg, windowArg } from '../driver.js';
import type { Kernel } from '../types.js';

/** out[k] = x shifted by `lag` within [lo, hi), NaN where that day is outside the range. */
function shiftRange(x: Float64Array, out: Float64Array, lo: number, hi: number, lag: number): void {
  if (lag === 0) {
    out.fill(x[lo]!, lo, hi);
  } else if (lag > 0) {
    const cut = Math.min(hi, lo + lag);
    out.fill(NaN, lo, cut);
    for (let k = cut; k < hi; k++) out[k] = x[k - lag]!;
  } else {
    const cut = Math.max(lo, hi + lag);
    for (let k = lo; k < cut; k++) out[k] = x[k - lag]!;
    out.fill(NaN, cut, hi);
  }
}

export const Ref: Kernel = (ctx, args, out) => {
  const x = seriesArg(ctx, args, 0, 'Ref');
  const lag = lagArg(args, 1, 'Ref');
  forEachSeries(ctx, out, (lo, hi) => shiftRange(x, out, lo, hi, lag));
};

/** x - Ref(x, N); Delta(x, 0) = x minus the instrument's first value. */
export const Delta: Kernel = (ctx, args, out) => {
  const x = seriesArg(ctx, args, 0, 'Delta');
  const lag = windowArg(args, 1, 'Delta');
  forEachSeries(ctx, out, (lo, hi) => {
    shiftRange(x, out, lo, hi, lag);
    for (let k = lo; k < hi; k++) out[k] = x[k]! - out[k]!;
  });
};
