/**
 * Sums and moments over each instrument's rolling window (pandas rolling
 * sum/mean/count/var/std/skew/kurt with min_periods=1; window 0 = expanding).
 * Finite values count; NaN and +-inf are skipped (pandas turns inf into NaN).
 */

import { forEachSeries, longestSeries, scratchF64, scratchU8, seriesArg, windowArg } from '../driver.js';
import type { Kernel, KernelContext, KernelFamily } from '../types.js';
import { type WindowMoments, windowMoments, type WindowStatistics } from './windowSums.js';
import { windowStatisticsPanel, windowSumsPanel } from './rollingSumsWasm.js';

const STATISTICS: Readonly<Record<string, keyof WindowStatistics>> = { Sum: 'sum', Mean: 'mean', Var: 'variance', Std: 'std' };

/** Sum, Mean, Var and Std over the same series and window share one pass (windowStatistics). */
export const MOMENTS_FAMILY: KernelFamily = {
  name: 'moments',
  shared: { Sum: 2, Mean: 2, Var: 2, Std: 2 },
  kernel: (ctx, shared, requests) => {
    const op = requests[0]?.op ?? 'Mean';
    const x = seriesArg(ctx, shared, 0, op);
    const window = windowArg(shared, 1, op);
    const outs: { -readonly [K in keyof WindowStatistics]: Float64Array | null } = { sum: null, mean: null, variance: null, std: null };
    for (const r of requests) {
      const statistic = STATISTICS[r.op];
      if (!statistic || outs[statistic]) throw new TypeError(`moments family: ${r.op} is not a member or is asked twice`);
      outs[statistic] = r.out;
    }
    if (outs.variance === null && outs.std === null) windowSumsPanel(ctx, x, window, outs.sum, outs.mean);
    else windowStatisticsPanel(ctx, x, window, outs);
  },
};

function memberKernel(op: string): Kernel {
  return (ctx, args, out) => MOMENTS_FAMILY.kernel(ctx, args.slice(0, 2), [{ op, params: args.slice(2), out }]);
}

export const Sum = memberKernel('Sum');
export const Mean = memberKernel('Mean');
export const Var = memberKernel('Var');
export const Std = memberKernel('Std');

/**
 * Number of non-NaN values in the window (0 when there are none). Unlike the
 * other aggregations, pandas' rolling count counts +-inf (it sums notna()).
 * Integer counts are exact, so add/remove is safe.
 */
export const Count: Kernel = (ctx, args, out) => {
  const x = seriesArg(ctx, args, 0, 'Count');
  const window = windowArg(args, 1, 'Count');
  forEachSeries(ctx, out, (lo, hi) => {
    let c = 0;
    for (let t = lo; t < hi; t++) {
      if (x[t] === x[t]) c++;
      if (window > 0 && t - window >= lo && x[t - window] === x[t - window]) c--;
      out[t] = c;
    }
  });
};

interface MomentScratch {
  readonly moments: WindowMoments;
  readonly suffix: Float64Array;
}

/** Scratch moments for series up to the longest instrument's length. */
function momentScratch(ctx: KernelContext, slot: string): MomentScratch {
  const len = longestSeries(ctx);
  const f = scratchF64(`${slot}.moments`, 5 * len);
  return {
    moments: {
      n: f.subarray(0, len), s1: f.subarray(len, 2 * len), s2: f.subarray(2 * len, 3 * len),
      s3: f.subarray(3 * len, 4 * len), s4: f.subarray(4 * len, 5 * len),
      same: scratchU8(`${slot}.same`, len),
    },
    suffix: scratchF64(`${slot}.suffix`, 5 * len),
  };
}

/**
 * pandas' bias-corrected skewness: NaN below 3 values, 0 for an all-equal window,
 * NaN when the (biased) variance is <= 1e-14 (pandas' guard against rounding noise;
 * note it is absolute, so series with tiny values give NaN).
 */
export const Skew: Kernel = (ctx, args, out) => {
  const x = seriesArg(ctx, args, 0, 'Skew');
  const window = windowArg(args, 1, 'Skew', 3);
  const { moments: m, suffix } = momentScratch(ctx, 'skew');
  forEachSeries(ctx, out, (lo, hi) => {
    windowMoments(x, lo, hi, window, 3, m, suffix);
    for (let t = lo; t < hi; t++) {
      const o = t - lo;
      const n = m.n[o]!;
      if (n < 3) { out[t] = NaN; continue; }
      if (m.same[o] === 1) { out[t] = 0; continue; }
      const A = m.s1[o]! / n;
      const B = m.s2[o]! / n - A * A;
      const C = m.s3[o]! / n - A * A * A - 3 * A * B;
      if (B <= 1e-14) { out[t] = NaN; continue; }
      const R = Math.sqrt(B);
      out[t] = (Math.sqrt(n * (n - 1)) * C) / ((n - 2) * R * R * R);
    }
  });
};

/**
 * pandas' bias-corrected excess kurtosis: NaN below 4 values, -3 for an all-equal
 * window (pandas' choice), NaN when the biased variance is <= 1e-14.
 */
export const Kurt: Kernel = (ctx, args, out) => {
  const x = seriesArg(ctx, args, 0, 'Kurt');
  const window = windowArg(args, 1, 'Kurt', 4);
  const { moments: m, suffix } = momentScratch(ctx, 'kurt');
  forEachSeries(ctx, out, (lo, hi) => {
    windowMoments(x, lo, hi, window, 4, m, suffix);
    for (let t = lo; t < hi; t++) {
      const o = t - lo;
      const n = m.n[o]!;
      if (n < 4) { out[t] = NaN; continue; }
      if (m.same[o] === 1) { out[t] = -3; continue; }
      const A = m.s1[o]! / n;
      const B = m.s2[o]! / n - A * A;
      const C = m.s3[o]! / n - A * A * A - 3 * A * B;
      const D = m.s4[o]! / n - A * A * A * A - 6 * B * A * A - 4 * C * A;
      if (B <= 1e-14) { out[t] = NaN; continue; }
      const K = ((n * n - 1) * D) / (B * B) - 3 * (n - 1) * (n - 1);
      out[t] = K / ((n - 2) * (n - 3));
    }
  });
};
