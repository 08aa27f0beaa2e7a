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
 * Several windows over the same series (Alpha158's 5, 10, 20, 30, 60) are
 * one family call: a window of w = u + v days ending today is the v-day
 * window that ended u days ago followed by the u-day window ending today, so
 * the w-day answer is one comparison of the two smaller windows' answers
 * (joinWindows). Extremes are exact, so the values and positions are the
 * same bits.
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

/**
 * Window u + v over x[lo..hi) from the u-day window's answers on the same
 * day (`laterValue`, `laterPosition`) and the v-day window's u days earlier:
 * the earlier part wins ties and gives the first missing day, as in
 * extremes(). A part's first missing day or extreme is at its position; it
 * is a missing day exactly when x there is not finite, and a part without
 * finite values is missing from its first day. Within u days of the series
 * start the window is clipped there: the u-day window itself.
 */
function joinWindows(
  x: Float64Array, lo: number, hi: number, u: number, v: number, sign: 1 | -1,
  laterValue: Float64Array, laterPosition: Float64Array, earlierValue: Float64Array, earlierPosition: Float64Array,
  value: Float64Array, position: Float64Array,
): void {
  const window = u + v;
  for (let t = lo; t < hi; t++) {
    const start = t - window + 1 > lo ? t - window + 1 : lo;
    const lv = laterValue[t]!;
    if (t - u < lo) {
      value[t] = lv;
      position[t] = laterPosition[t]!;
      continue;
    }
    const e = t - u;
    const ev = earlierValue[e]!;
    const laterStart = t - u + 1;
    const lFirst = lv === lv ? laterStart + laterPosition[t]! - 1 : laterStart;
    const eFirst = ev === ev ? start + earlierPosition[e]! - 1 : start;
    const eGap = x[eFirst]! - x[eFirst]! !== 0, lGap = x[lFirst]! - x[lFirst]! !== 0;
    // NaN (no finite value) loses to anything: compare as -Infinity.
    const eBest = ev === ev ? sign * ev : -Infinity, lBest = lv === lv ? sign * lv : -Infinity;
    const earlier = eBest >= lBest;
    const best = earlier ? ev : lv;
    value[t] = best;
    position[t] = best !== best ? NaN : (eGap ? eFirst : lGap ? lFirst : earlier ? eFirst : lFirst) - start + 1;
  }
}

/** One window of a family call: where its answers go, and the two smaller windows it is joined from (null: computed directly). */
interface WindowPlan {
  readonly window: number;
  value: Float64Array | null;
  position: Float64Array | null;
  join: { readonly later: WindowPlan; readonly earlier: WindowPlan } | null;
  helps: boolean;
}

/** Sorts the windows ascending and joins each from the largest smaller window whose complement is also there (expanding: direct). */
function planWindows(plans: WindowPlan[]): void {
  plans.sort((a, b) => a.window - b.window);
  const done = new Map<number, WindowPlan>();
  for (const plan of plans) {
    if (plan.window === 0) continue;
    for (const later of [...done.values()].reverse()) {
      const earlier = done.get(plan.window - later.window);
      if (!earlier) continue;
      plan.join = { later, earlier };
      later.helps = earlier.helps = true;
      break;
    }
    done.set(plan.window, plan);
  }
}

function scratchFor(ctx: KernelContext): Scratch {
  const len = longestSeries(ctx);
  return { best: scratchF64('extremes.best', len), at: scratchI32('extremes.at', len), gap: scratchI32('extremes.gap', len) };
}

/** The extreme and its position over the same series at any windows: one pass per window, larger windows joined from smaller ones. */
function extremeFamily(name: string, valueOp: string, positionOp: string, sign: 1 | -1): KernelFamily {
  return {
    name,
    shared: { [valueOp]: 1, [positionOp]: 1 },
    kernel: (ctx, shared, requests) => {
      const op = requests[0]?.op ?? valueOp;
      const x = seriesArg(ctx, shared, 0, op);
      const byWindow = new Map<number, WindowPlan>();
      for (const r of requests) {
        if (r.op !== valueOp && r.op !== positionOp) throw new TypeError(`${name} family: ${r.op} is not a member`);
        const window = windowArg([x, ...r.params], 1, r.op);
        let plan = byWindow.get(window);
        if (!plan) byWindow.set(window, (plan = { window, value: null, position: null, join: null, helps: false }));
        if ((r.op === valueOp ? plan.value : plan.position) !== null) throw new TypeError(`${name} family: ${r.op} at window ${window} is asked twice`);
        if (r.op === valueOp) plan.value = r.out;
        else plan.position = r.out;
      }
      const plans = [...byWindow.values()];
      planWindows(plans);
      // Joins read and write both answers of every window they touch: scratch for those not asked.
      plans.forEach((plan, k) => {
        if (!plan.helps && !plan.join) return;
        plan.value ??= scratchF64(`extremes.value${k}`, ctx.N * ctx.T);
        plan.position ??= scratchF64(`extremes.position${k}`, ctx.N * ctx.T);
      });
      const scratch = scratchFor(ctx);
      forEachSeriesOf(ctx, requests.map((r) => r.out), (lo, hi) => {
        for (const { window, value, position, join } of plans) {
          if (join === null) extremes(x, lo, hi, window, sign, value, position, scratch);
          else {
            const { later, earlier } = join;
            joinWindows(x, lo, hi, later.window, earlier.window, sign, later.value!, later.position!, earlier.value!, earlier.position!, value!, position!);
          }
        }
      });
    },
  };
}

export const MAX_FAMILY = extremeFamily('max', 'Max', 'IdxMax', 1);
export const MIN_FAMILY = extremeFamily('min', 'Min', 'IdxMin', -1);

function memberKernel(family: KernelFamily, op: string): Kernel {
  return (ctx, args, out) => family.kernel(ctx, args.slice(0, 1), [{ op, params: args.slice(1), out }]);
}

export const Max = memberKernel(MAX_FAMILY, 'Max');
export const Min = memberKernel(MIN_FAMILY, 'Min');
export const IdxMax = memberKernel(MAX_FAMILY, 'IdxMax');
export const IdxMin = memberKernel(MIN_FAMILY, 'IdxMin');
