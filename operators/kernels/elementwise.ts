/**
 * Element-wise kernels: one series in, one out, day by day (numpy semantics).
 */

import { forEachSeries, numberArg, seriesArg } from './driver.js';
import type { Kernel } from './types.js';

export const Abs: Kernel = (ctx, args, out) => {
  const x = seriesArg(ctx, args, 0, 'Abs');
  forEachSeries(ctx, out, (lo, hi) => {
    for (let k = lo; k < hi; k++) out[k] = Math.abs(x[k]!);
  });
};

/** numpy.sign: -1, 0 or 1 (0 for -0), NaN stays NaN. */
export const Sign: Kernel = (ctx, args, out) => {
  const x = seriesArg(ctx, args, 0, 'Sign');
  forEachSeries(ctx, out, (lo, hi) => {
    for (let k = lo; k < hi; k++) {
      const v = x[k]!;
      out[k] = v > 0 ? 1 : v < 0 ? -1 : v === 0 ? 0 : NaN;
    }
  });
};

/** Natural log: log(0) = -inf, log(negative) = NaN (IEEE, as numpy.log). */
export const Log: Kernel = (ctx, args, out) => {
  const x = seriesArg(ctx, args, 0, 'Log');
  forEachSeries(ctx, out, (lo, hi) => {
    for (let k = lo; k < hi; k++) out[k] = Math.log(x[k]!);
  });
};

/**
 * numpy.power with a finite constant exponent. Math.pow agrees with C pow for
 * finite exponents (the JS/C differences are only for NaN or infinite exponents).
 * Squares, the common case, skip pow: x*x is the same correctly rounded value.
 */
export const Power: Kernel = (ctx, args, out) => {
  const x = seriesArg(ctx, args, 0, 'Power');
  const e = numberArg(args, 1, 'Power');
  forEachSeries(ctx, out, (lo, hi) => {
    if (e === 2) for (let k = lo; k < hi; k++) out[k] = x[k]! * x[k]!;
    else for (let k = lo; k < hi; k++) out[k] = Math.pow(x[k]!, e);
  });
};

/** Logical not: 1 where x is 0; NaN is truthy (numpy), so Not(NaN) = 0. */
export const Not: Kernel = (ctx, args, out) => {
  const x = seriesArg(ctx, args, 0, 'Not');
  forEachSeries(ctx, out, (lo, hi) => {
    for (let k = lo; k < hi; k++) out[k] = x[k] === 0 ? 1 : 0;
  });
};
