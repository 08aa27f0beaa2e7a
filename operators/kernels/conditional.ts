/**
 * If(cond, a, b): numpy.where, day by day. A condition is true when non-zero,
 * and NaN counts as true (numpy truthiness). `a` and `b` may be constants.
 */

import { forEachSeries, operandArg, seriesArg } from './driver.js';
import type { Kernel } from './types.js';

export const If: Kernel = (ctx, args, out) => {
  const cond = seriesArg(ctx, args, 0, 'If');
  const a = operandArg(ctx, args, 1, 'If');
  const b = operandArg(ctx, args, 2, 'If');
  if (typeof a === 'number') {
    if (typeof b === 'number') {
      forEachSeries(ctx, out, (lo, hi) => {
        for (let k = lo; k < hi; k++) out[k] = cond[k] !== 0 ? a : b;
      });
    } else {
      forEachSeries(ctx, out, (lo, hi) => {
        for (let k = lo; k < hi; k++) out[k] = cond[k] !== 0 ? a : b[k]!;
      });
    }
  } else if (typeof b === 'number') {
    forEachSeries(ctx, out, (lo, hi) => {
      for (let k = lo; k < hi; k++) out[k] = cond[k] !== 0 ? a[k]! : b;
    });
  } else {
    forEachSeries(ctx, out, (lo, hi) => {
      for (let k = lo; k < hi; k++) out[k] = cond[k] !== 0 ? a[k]! : b[k]!;
    });
  }
};
