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
 * The engine runs the WASM-SIMD twin (extremesWasm.ts, two instruments per
 * f64x2, about 3x faster per window); extremes() here is its reference.
 *
 * IdxMax/IdxMin are qlib's `rolling.apply(lambda x: x.argmax() + 1, raw=True)`:
 * numpy's argmax returns the first NaN's index when the window holds one, so
 * the answer is the position of the window's first missing day if it has any,
 * else of its first extreme; a window without finite values is NaN.
 */

import { forEachSeriesOf, longestSeries, scratchF64, scratchI32, seriesArg, windowArg } from '../driver.js';
import type { Kernel, KernelContext, KernelFamily } from '../types.js';
import { extremesPanel } from './extremesWasm.js';
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

/** One window of a family call and where its answers go (null: not asked). */
interface WindowPlan {
  readonly window: number;
  value: Float64Array | null;
  position: Float64Array | null;
}

function scratchFor(ctx: KernelContext): Scratch {
  const len = longestSeries(ctx);
  return { best: scratchF64('extremes.best', len), at: scratchI32('extremes.at', len), gap: scratchI32('extremes.gap', len) };
}

/** Computes a family's windows over x. */
type FamilyRun = (ctx: KernelContext, x: Float64Array, sign: 1 | -1, plans: readonly WindowPlan[]) => void;

/** The TypeScript reference: instrument by instrument, extremes() per window. */
const runTwin: FamilyRun = (ctx, x, sign, plans) => {
  const asked = plans.flatMap((plan) => [plan.value, plan.position].filter((out): out is Float64Array => out !== null));
  const scratch = scratchFor(ctx);
  forEachSeriesOf(ctx, asked, (lo, hi) => {
    for (const { window, value, position } of plans) extremes(x, lo, hi, window, sign, value, position, scratch);
  });
};

/** The engine's: two instruments per f64x2 lane in WASM. */
const runWasm: FamilyRun = (ctx, x, sign, plans) => extremesPanel(ctx, x, sign, plans);

/** The extreme and its position over the same series at any windows: one pass per window for both. */
function extremeFamily(name: string, valueOp: string, positionOp: string, sign: 1 | -1, run: FamilyRun): KernelFamily {
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
        if (!plan) byWindow.set(window, (plan = { window, value: null, position: null }));
        if ((r.op === valueOp ? plan.value : plan.position) !== null) throw new TypeError(`${name} family: ${r.op} at window ${window} is asked twice`);
        if (r.op === valueOp) plan.value = r.out;
        else plan.position = r.out;
      }
      run(ctx, x, sign, [...byWindow.values()]);
    },
  };
}

export const MAX_FAMILY = extremeFamily('max', 'Max', 'IdxMax', 1, runWasm);
export const MIN_FAMILY = extremeFamily('min', 'Min', 'IdxMin', -1, runWasm);
/** The families computed by the TypeScript twin, the reference for the WASM kernels. */
export const MAX_FAMILY_TWIN = extremeFamily('max', 'Max', 'IdxMax', 1, runTwin);
export const MIN_FAMILY_TWIN = extremeFamily('min', 'Min', 'IdxMin', -1, runTwin);

function memberKernel(family: KernelFamily, op: string): Kernel {
  return (ctx, args, out) => family.kernel(ctx, args.slice(0, 1), [{ op, params: args.slice(1), out }]);
}

export const Max = memberKernel(MAX_FAMILY, 'Max');
export const Min = memberKernel(MIN_FAMILY, 'Min');
export const IdxMax = memberKernel(MAX_FAMILY, 'IdxMax');
export const IdxMin = memberKernel(MIN_FAMILY, 'IdxMin');
