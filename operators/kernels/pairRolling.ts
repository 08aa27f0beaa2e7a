/**
 * Rolling covariance and correlation of two series (pandas rolling cov/corr,
 * min_periods=1; window 0 = expanding) over the days where both are finite
 * (pandas masks each series with the other's NaNs and turns +-inf into NaN).
 *
 * Block scheme of rolling/windowSums.ts: every window's sums are fresh sums
 * of at most 2N terms around causal shifts, never add/remove running totals.
 */

import { forEachSeries, longestSeries, scratchF64, scratchU8, seriesArg, windowArg } from './driver.js';
import { blockLength, windowStatistics } from './rolling/windowSums.js';
import type { Kernel } from './types.js';

/** qlib's Corr is NaN where np.isclose(either series' own rolling std, 0, atol=2e-5). */
const STD_TOLERANCE = 2e-5;

/**
 * Cov (corr = false) or Corr of a and b over [lo, hi). For Corr, `flat` marks
 * days where either series' own rolling std is within STD_TOLERANCE of 0;
 * when the two series are missing on the same days (`sameDays`), their own
 * windows are the paired windows and the same sums give both stds, with the
 * same shift and order of additions as windowStatistics, so the same bits.
 */
function pairRange(
  a: Float64Array, b: Float64Array, out: Float64Array, lo: number, hi: number, window: number,
  corr: boolean, sameDays: boolean, flat: Uint8Array, suffix: Float64Array,
): void {
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
      if (sameDays ? ownStd(va2, n) <= STD_TOLERANCE || ownStd(vb2, n) <= STD_TOLERANCE : flat[t - lo] === 1) { out[t] = NaN; continue; }
      out[t] = va2 > 0 && vb2 > 0 ? (Sab - (Sa * Sb) / n) / Math.sqrt(va2 * vb2) : NaN;
    }
  }
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

function pairKernel(op: string, corr: boolean): Kernel {
  return (ctx, args, out) => {
    const a = seriesArg(ctx, args, 0, op);
    const b = seriesArg(ctx, args, 1, op);
    const window = windowArg(args, 2, op);
    const len = longestSeries(ctx);
    const suffix = scratchF64('pair.suffix', 6 * len);
    const flat = scratchU8('pair.flat', len);
    const std = scratchF64('pair.std', len);
    forEachSeries(ctx, out, (lo, hi) => {
      const sameDays = corr && sameFiniteDays(a, b, lo, hi);
      if (corr && !sameDays) {
        flat.fill(0, 0, hi - lo);
        markFlat(a, lo, hi, window, flat, std, suffix);
        markFlat(b, lo, hi, window, flat, std, suffix);
      }
      pairRange(a, b, out, lo, hi, window, corr, sameDays, flat, suffix);
    });
  };
}

export const Cov = pairKernel('Cov', false);
export const Corr = pairKernel('Corr', true);
