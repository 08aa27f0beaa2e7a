/**
 * Weighted averages: qlib's WMA and EMA. Finite values count (pandas turns
 * +-inf into NaN before rolling.apply and ewm).
 */

import { forEachSeries, longestSeries, numberArg, scratchF64, seriesArg, windowArg } from '../driver.js';
import type { Kernel } from '../types.js';
import { blockLength } from './windowSums.js';

/**
 * qlib's weighted_mean over `rolling(N, min_periods=1).apply(raw=True)`:
 * weights 1..L for the window's L days (missing days included, oldest = 1)
 * normalised to sum 1, then numpy.nanmean(w * x): the weighted sum over the
 * finite values divided by their count c. So
 *   WMA = sum(k * x_k) / (L (L+1) / 2) / c.
 * sum(k * x_k) = sum(p * x) - (w - bs - 1) * sum(x) with p relative to the
 * block start: the block scheme of windowSums.ts, no subtraction of old terms.
 */
function wmaRange(x: Float64Array, out: Float64Array, lo: number, hi: number, window: number, suffix: Float64Array): void {
  const B = blockLength(window, hi - lo);
  for (let bs = lo; bs < hi; bs += B) {
    const be = Math.min(bs + B, hi);
    if (bs > lo) {
      let c = 0, s = 0, sp = 0;
      for (let r = B - 1; r >= 0; r--) {
        const v = x[bs - B + r]!;
        if (Number.isFinite(v)) { c++; s += v; sp += (r - B) * v; }
        suffix[r] = c; suffix[B + r] = s; suffix[2 * B + r] = sp;
      }
    }
    let c = 0, s = 0, sp = 0;
    for (let t = bs; t < be; t++) {
      const v = x[t]!;
      if (Number.isFinite(v)) { c++; s += v; sp += (t - bs) * v; }
      let n = c, S = s, Sp = sp;
      const r = t - bs + 1;
      if (bs > lo && r < B) { n += suffix[r]!; S += suffix[B + r]!; Sp += suffix[2 * B + r]!; }
      const w = window > 0 && t - window + 1 > lo ? t - window + 1 : lo; // oldest day of the window
      const L = t - w + 1;
      out[t] = n === 0 ? NaN : (Sp - (w - bs - 1) * S) / ((L * (L + 1)) / 2) / n;
    }
  }
}

export const WMA: Kernel = (ctx, args, out) => {
  const x = seriesArg(ctx, args, 0, 'WMA');
  const window = windowArg(args, 1, 'WMA');
  const suffix = scratchF64('wma.suffix', 3 * longestSeries(ctx));
  forEachSeries(ctx, out, (lo, hi) => wmaRange(x, out, lo, hi, window, suffix));
};

/**
 * pandas ewm(com, adjust=True, ignore_na=False, min_periods=1).mean(), the same
 * recurrence (so the same roundings): the weight of the past decays by (1 - alpha)
 * every day, missing days included, and a missing day repeats the last average.
 */
function ewmRange(x: Float64Array, out: Float64Array, lo: number, hi: number, com: number): void {
  const alpha = 1 / (1 + com);
  const decay = 1 - alpha;
  let weighted = NaN;
  let oldWeight = 1;
  for (let t = lo; t < hi; t++) {
    const v = x[t]!;
    const observed = Number.isFinite(v);
    if (weighted === weighted) {
      oldWeight *= decay;
      if (observed) {
        if (weighted !== v) weighted = (oldWeight * weighted + v) / (oldWeight + 1);
        oldWeight += 1;
      }
    } else if (observed) {
      weighted = v;
    }
    out[t] = weighted;
  }
}

/**
 * qlib's EMA(x, 0): expanding().apply(exp_weighted_mean) with, for a window of
 * L days, a = 1 - 2/(L+1), weights a^(L-1-j) normalised over all L days and
 * numpy.nansum (missing days keep their weight in the denominator). The decay
 * depends on L, so no recurrence exists: O(L) per day, O(T^2) per instrument
 * (as in qlib). The numerator is evaluated by Horner's rule over a NaN-free
 * copy in four interleaved chains (step a^4), since one chain is bound by the
 * latency of its multiply-add; the denominator sum(a^k, k < L) =
 * (1 - a^L) (L+1) / 2 is in closed form.
 */
function expandingEmaRange(x: Float64Array, out: Float64Array, lo: number, hi: number, clean: Float64Array): void {
  let seen = false;
  for (let t = lo; t < hi; t++) {
    const v = x[t]!;
    const finite = Number.isFinite(v);
    clean[t - lo] = finite ? v : 0;
    if (!seen && !finite) { out[t] = NaN; continue; }
    seen = true;
    const L = t - lo + 1;
    const a = 1 - 2 / (L + 1);
    out[t] = horner4(clean, L, a) / (((1 - Math.pow(a, L)) * (L + 1)) / 2);
  }
}

/** sum(c[j] * a^(L-1-j), j < L), as four Horner chains over j mod 4 (leading slots padded with zeros). */
function horner4(c: Float64Array, L: number, a: number): number {
  const a2 = a * a, a4 = a2 * a2;
  const pad = (4 - (L & 3)) & 3;
  // first group: positions -pad .. 3-pad, the negative ones are zero padding
  let s0 = pad > 0 ? 0 : c[0]!;
  let s1 = pad > 1 ? 0 : c[1 - pad]!;
  let s2 = pad > 2 ? 0 : c[2 - pad]!;
  let s3 = c[3 - pad]!;
  for (let j = 4 - pad; j < L; j += 4) {
    s0 = s0 * a4 + c[j]!;
    s1 = s1 * a4 + c[j + 1]!;
    s2 = s2 * a4 + c[j + 2]!;
    s3 = s3 * a4 + c[j + 3]!;
  }
  return s0 * a2 * a + s1 * a2 + s2 * a + s3;
}

export const EMA: Kernel = (ctx, args, out) => {
  const x = seriesArg(ctx, args, 0, 'EMA');
  const span = numberArg(args, 1, 'EMA');
  if (span < 0) throw new TypeError(`EMA: argument 2 must be a span >= 1, a smoothing factor in (0, 1) or 0, got ${span}`);
  if (span === 0) {
    const clean = scratchF64('ema.clean', longestSeries(ctx));
    forEachSeries(ctx, out, (lo, hi) => expandingEmaRange(x, out, lo, hi, clean));
    return;
  }
  // pandas' center of mass, computed as pandas does so alpha rounds identically
  const com = span < 1 ? (1 - span) / span : (span - 1) / 2;
  forEachSeries(ctx, out, (lo, hi) => ewmRange(x, out, lo, hi, com));
};
