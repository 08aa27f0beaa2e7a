/**
 * Rolling extremes and their positions (van Herk / Gil-Werman): the series is
 * cut into blocks of the window's length, so a window is a suffix of the
 * previous block plus a prefix of the current one; each block's running
 * extreme is kept forwards (prefix) and backwards (suffix), and a window's
 * extreme is the better of two. O(1) per day with no data-dependent loops
 * (a monotonic deque pops a data-dependent number of entries every day).
 * Finite values count; NaN and +-inf are missing (pandas turns inf into NaN
 * before rolling, also for rolling.apply).
 *
 * Ties go to the earliest day (prefixes keep the first of equals, suffixes
 * take the earlier, the suffix wins a tie with the prefix), so the value is
 * the earliest extreme's own value (-0 stays -0) and the position is numpy's
 * first argmax.
 *
 * IdxMax/IdxMin are qlib's `rolling.apply(lambda x: x.argmax() + 1, raw=True)`:
 * numpy's argmax returns the first NaN's index when the window holds one, so
 * the answer is the position of the window's first missing day if it has any,
 * else of its first extreme; a window without finite values is NaN.
 */

import { forEachSeriesOf, longestSeries, scratchF64, scratchI32, seriesArg, windowArg } from '../driver.js';
import type { Kernel, KernelContext, KernelFamily } from '../types.js';
import { blockLength } from './windowSums.js';

interface Scratch {
  /** Suffix extreme (times sign) of the previous block, by offset from lo. */
  readonly best: Float64Array;
  /** Its day (flat index), -1 when the suffix has no finite value. */
  readonly at: Int32Array;
  /** First missing day of the suffix (flat index), -1 when none. */
  readonly gap: Int32Array;
}

/**
 * Writes the extreme's value to `value` and its 1-based position to
 * `position` (either may be null) for x[lo..hi). sign 1 = maximum, -1 = minimum.
 */
function extremes(
  x: Float64Array, lo: number, hi: number, window: number, sign: 1 | -1,
  value: Float64Array | null, position: Float64Array | null, scratch: Scratch,
): void {
  const { best, at, gap } = scratch;
  const B = blockLength(window, hi - lo);
  for (let bs = lo; bs < hi; bs += B) {
    const be = Math.min(bs + B, hi);
    let pBest = -Infinity, pAt = -1, pGap = -1; // prefix [bs, t]
    for (let t = bs; t < be; t++) {
      const v = x[t]!;
      if (v - v === 0) {
        if (sign * v > pBest) { pBest = sign * v; pAt = t; }
      } else if (pGap < 0) {
        pGap = t;
      }
      // The window is [w, t]: the first block's windows start at lo, later ones at t - B + 1.
      let wAt = pAt, wGap = pGap, w = bs;
      if (bs > lo) {
        w = t - B + 1;
        if (w < bs) {
          const o = w - lo;
          if (best[o]! >= pBest) wAt = at[o]!;
          if (gap[o]! >= 0) wGap = gap[o]!;
        }
      }
      if (value !== null) value[t] = wAt < 0 ? NaN : x[wAt]!;
      if (position !== null) position[t] = wAt < 0 ? NaN : (wGap >= 0 ? wGap : wAt) - w + 1;
    }
    if (be === hi) break;
    // Suffixes of this block, for the windows ending in the next one.
    let sBest = -Infinity, sAt = -1, sGap = -1;
    for (let t = be - 1; t >= bs; t--) {
      const v = x[t]!;
      if (v - v === 0) {
        if (sign * v >= sBest) { sBest = sign * v; sAt = t; }
      } else {
        sGap = t;
      }
      const o = t - lo;
      best[o] = sBest;
      at[o] = sAt;
      gap[o] = sGap;
    }
  }
}

function scratchFor(ctx: KernelContext): Scratch {
  const len = longestSeries(ctx);
  return { best: scratchF64('extremes.best', len), at: scratchI32('extremes.at', len), gap: scratchI32('extremes.gap', len) };
}

/** The extreme and its position over the same series and window, in one pass. */
function extremeFamily(name: string, valueOp: string, positionOp: string, sign: 1 | -1): KernelFamily {
  return {
    name,
    shared: { [valueOp]: 2, [positionOp]: 2 },
    kernel: (ctx, shared, requests) => {
      const op = requests[0]?.op ?? valueOp;
      const x = seriesArg(ctx, shared, 0, op);
      const window = windowArg(shared, 1, op);
      let value: Float64Array | null = null;
      let position: Float64Array | null = null;
      for (const r of requests) {
        if (r.op === valueOp && !value) value = r.out;
        else if (r.op === positionOp && !position) position = r.out;
        else throw new TypeError(`${name} family: ${r.op} is not a member or is asked twice`);
      }
      const scratch = scratchFor(ctx);
      forEachSeriesOf(ctx, requests.map((r) => r.out), (lo, hi) => extremes(x, lo, hi, window, sign, value, position, scratch));
    },
  };
}

export const MAX_FAMILY = extremeFamily('max', 'Max', 'IdxMax', 1);
export const MIN_FAMILY = extremeFamily('min', 'Min', 'IdxMin', -1);

function memberKernel(family: KernelFamily, op: string): Kernel {
  return (ctx, args, out) => family.kernel(ctx, args.slice(0, 2), [{ op, params: args.slice(2), out }]);
}

export const Max = memberKernel(MAX_FAMILY, 'Max');
export const Min = memberKernel(MIN_FAMILY, 'Min');
export const IdxMax = memberKernel(MAX_FAMILY, 'IdxMax');
export const IdxMin = memberKernel(MIN_FAMILY, 'IdxMin');
