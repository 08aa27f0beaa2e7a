/**
 * Rolling covariance and correlation of two series (pandas rolling cov/corr,
 * min_periods=1; window 0 = expanding) over the days where both are finite
 * (pandas masks each series with the other's NaNs and turns +-inf into NaN).
 *
 * Block scheme of rolling/windowSums.ts: every window's sums are fresh sums
 * of at most 2N terms around causal shifts, never add/remove running totals.
 */

import { clampDay, forEachSeries, longestSeries, scratchF64, scratchU8, seriesArg, windowArg } from './driver.js';
import { markedCorrPanel, pairRangePanel } from './pairRollingWasm.js';
import { blockLength, windowStatistics } from './rolling/windowSums.js';
import type { Kernel, KernelContext } from './types.js';

/** qlib's Corr is NaN where np.isclose(either series' own rolling std, 0, atol=2e-5). */
const STD_TOLERANCE = 2e-5;

/**
 * How Corr learns whether either series' own rolling std (over its own
 * finite days, not the paired ones) is within STD_TOLERANCE of 0:
 * - SAME_DAYS: the series are missing on the same days, so their own windows
 *   are the paired windows and the paired sums give both stds, with the same
 *   shift and order of additions as windowStatistics, so the same bits;
 * - BOUNDED: from a lower bound, without computing the own stds. A window's
 *   own days include its paired days, and a sum of squared deviations over a
 *   set of values is at least that over a subset (each about its own mean),
 *   so own variance >= paired centred sum / (own count - 1), and own count
 *   <= the window's span. Where that bound clears (2 * STD_TOLERANCE)^2 the
 *   own std is above STD_TOLERANCE with a factor 2 to spare, far beyond the
 *   rounding of either computation (both sum around a shift inside the
 *   window, see windowSums.ts), so the test's answer is the same. A day where
 *   the bound does not clear makes pairRange give up (returns false);
 * - MARKED: `flat` marks the days, from windowStatistics of each series.
 * Return series with volume-free days (CORD) are BOUNDED on almost every
 * instrument, which saves two windowStatistics passes.
 */
const SAME_DAYS = 0, BOUNDED = 1, MARKED = 2;
type Flatness = typeof SAME_DAYS | typeof BOUNDED | typeof MARKED;
const CLEAR_VARIANCE = (2 * STD_TOLERANCE) ** 2;

/**
 * Cov (corr = false) or Corr of a and b over [lo, hi), `flatness` as above.
 * False when BOUNDED could not decide a day (out is then partly written).
 */
function pairRange(
  a: Float64Array, b: Float64Array, out: Float64Array, lo: number, hi: number, window: number,
  corr: boolean, flatness: Flatness, flat: Uint8Array, suffix: Float64Array,
): boolean {
  const B = blockLength(window, hi - lo);
  let lastA = 0, lastB = 0; // latest paired values
  let prevA = NaN, prevB = NaN, runA = 0, runB = 0;
  for (let bs = lo; bs < hi; bs += B) {
    const be = Math.min(bs + B, hi);
    // shifts: the block's first paired values (see windowSums.ts for why this choice)
    let anchored = Number.isFinite(a[bs]!) && Number.isFinite(b[bs]!);
    let Ka = anchored ? a[bs]! : lastA, Kb = anchored ? b[bs]! : lastB;
    if (bs > lo) suffixPairSums(a, b, bs - B, B, Ka, Kb, suffix);
    let c = 0, sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
    for (let t = bs; t < be; t++) {
      const va = a[t]!, vb = b[t]!;
      if (Number.isFinite(va) && Number.isFinite(vb)) {
        if (!anchored) {
          anchored = true;
          Ka = va; Kb = vb;
          if (bs > lo) suffixPairSums(a, b, bs - B, B, Ka, Kb, suffix);
        }
        const da = va - Ka, db = vb - Kb;
        c++; sa += da; sb += db; saa += da * da; sbb += db * db; sab += da * db;
        if (va === prevA) runA++;
        else { runA = 1; prevA = va; }
        if (vb === prevB) runB++;
        else { runB = 1; prevB = vb; }
        lastA = va; lastB = vb;
      }
      let n = c, Sa = sa, Sb = sb, Saa = saa, Sbb = sbb, Sab = sab;
      const r = t - bs + 1;
      if (bs > lo && r < B) {
        n += suffix[r]!; Sa += suffix[B + r]!; Sb += suffix[2 * B + r]!;
        Saa += suffix[3 * B + r]!; Sbb += suffix[4 * B + r]!; Sab += suffix[5 * B + r]!;
      }
      if (n < 2) { out[t] = NaN; continue; }
      // a series constant over the paired days has exactly zero (co)variance
      const constant = runA >= n || runB >= n;
      if (!corr) { out[t] = constant ? 0 : (Sab - (Sa * Sb) / n) / (n - 1); continue; }
      if (constant) { out[t] = NaN; continue; }
      const va2 = Saa - (Sa * Sa) / n, vb2 = Sbb - (Sb * Sb) / n;
      if (flatness === SAME_DAYS) {
        if (ownStd(va2, n) <= STD_TOLERANCE || ownStd(vb2, n) <= STD_TOLERANCE) { out[t] = NaN; continue; }
      } else if (flatness === MARKED) {
        if (flat[t - lo] === 1) { out[t] = NaN; continue; }
      } else {
        const span = (window > 0 && window <= t - lo ? window : t - lo + 1) - 1; // >= own count - 1
        if (!(va2 > CLEAR_VARIANCE * span && vb2 > CLEAR_VARIANCE * span)) return false;
      }
      out[t] = va2 > 0 && vb2 > 0 ? (Sab - (Sa * Sb) / n) / Math.sqrt(va2 * vb2) : NaN;
    }
  }
  return true;
}

/** windowStatistics' standard deviation of a non-constant window from its centred sum of squares. */
function ownStd(centred: number, n: number): number {
  const variance = centred / (n - 1);
  return Math.sqrt(variance < 0 ? 0 : variance);
}

/** Whether a and b are finite on exactly the same days of [lo, hi). */
function sameFiniteDays(a: Float64Array, b: Float64Array, lo: number, hi: number): boolean {
  for (let t = lo; t < hi; t++) if (Number.isFinite(a[t]!) !== Number.isFinite(b[t]!)) return false;
  return true;
}

/** Suffix sums over paired days of [from, from + B): [count | Σa | Σb | Σa² | Σb² | Σab] around (Ka, Kb). */
function suffixPairSums(a: Float64Array, b: Float64Array, from: number, B: number, Ka: number, Kb: number, suffix: Float64Array): void {
  let c = 0, sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
  for (let r = B - 1; r >= 0; r--) {
    const va = a[from + r]!, vb = b[from + r]!;
    if (Number.isFinite(va) && Number.isFinite(vb)) {
      const da = va - Ka, db = vb - Kb;
      c++; sa += da; sb += db; saa += da * da; sbb += db * db; sab += da * db;
    }
    suffix[r] = c; suffix[B + r] = sa; suffix[2 * B + r] = sb;
    suffix[3 * B + r] = saa; suffix[4 * B + r] = sbb; suffix[5 * B + r] = sab;
  }
}

/** Marks flat[t - lo] = 1 where x's own rolling std is within STD_TOLERANCE of 0 (a NaN std does not count, as np.isclose). */
function markFlat(x: Float64Array, lo: number, hi: number, window: number, flat: Uint8Array, std: Float64Array, suffix: Float64Array): void {
  windowStatistics(x, lo, hi, window, { sum: null, mean: null, variance: null, std }, 0, suffix);
  for (let o = 0; o < hi - lo; o++) if (std[o]! <= STD_TOLERANCE) flat[o] = 1;
}

/** Per-instrument scratch of the pair kernels. */
export interface PairScratch {
  readonly suffix: Float64Array;
  readonly flat: Uint8Array;
  readonly std: Float64Array;
}

export function pairScratch(ctx: KernelContext): PairScratch {
  const len = longestSeries(ctx);
  return { suffix: scratchF64('pair.suffix', 6 * len), flat: scratchU8('pair.flat', len), std: scratchF64('pair.std', len) };
}

/** Corr over [lo, hi) with the flat days MARKED from each series' own windowStatistics: right for any two series. */
export function markedCorr(a: Float64Array, b: Float64Array, out: Float64Array, lo: number, hi: number, window: number, scratch: PairScratch): void {
  const { suffix, flat, std } = scratch;
  flat.fill(0, 0, hi - lo);
  markFlat(a, lo, hi, window, flat, std, suffix);
  markFlat(b, lo, hi, window, flat, std, suffix);
  pairRange(a, b, out, lo, hi, window, true, MARKED, flat, suffix);
}

/**
 * The twin of the engine's Cov and Corr kernels: pairRange instrument by
 * instrument, Corr's flatness SAME_DAYS where the series are missing on the
 * same days, else BOUNDED, and MARKED where BOUNDED cannot decide.
 */
export function pairPanel(ctx: KernelContext, a: Float64Array, b: Float64Array, out: Float64Array, window: number, corr: boolean): void {
  const scratch = pairScratch(ctx);
  const { flat, suffix } = scratch;
  forEachSeries(ctx, out, (lo, hi) => {
    if (!corr || sameFiniteDays(a, b, lo, hi)) pairRange(a, b, out, lo, hi, window, corr, SAME_DAYS, flat, suffix);
    else if (!pairRange(a, b, out, lo, hi, window, corr, BOUNDED, flat, suffix)) markedCorr(a, b, out, lo, hi, window, scratch);
  });
}

/** pairPanel with the WASM twins of pairRange (pairRangePanel, two instruments per f64x2) and of markedCorr (markedCorrPanel). */
function pairKernel(op: string, corr: boolean): Kernel {
  return (ctx, args, out) => {
    const a = seriesArg(ctx, args, 0, op);
    const b = seriesArg(ctx, args, 1, op);
    const window = windowArg(args, 2, op);
    const { T, N, start, end } = ctx;
    const range = (i: number): [number, number] => {
      const s = clampDay(start[i]!, T);
      return [i * T + s, i * T + Math.max(s, clampDay(end[i]!, T))];
    };
    const bounded = new Uint8Array(N);
    if (corr) {
      for (let i = 0; i < N; i++) {
        const [lo, hi] = range(i);
        if (!sameFiniteDays(a, b, lo, hi)) bounded[i] = 1;
      }
    }
    const undecided = pairRangePanel(ctx, a, b, out, window, corr, bounded);
    if (undecided.length > 0) markedCorrPanel(ctx, a, b, out, window, undecided);
  };
}

export const Cov = pairKernel('Cov', false);
export const Corr = pairKernel('Corr', true);
