/**
 * Pair kernels: two operands, day by day (numpy semantics). An operand is a
 * series or a constant; the engine never passes two constants.
 *
 * Each operator spells out its three loops (series-series, series-constant,
 * constant-series) so every loop stays monomorphic and allocation-free.
 */

import { forEachSeries, operandArg } from './driver.js';
import type { Kernel } from './types.js';

type SeriesSeries = (a: Float64Array, b: Float64Array, out: Float64Array, lo: number, hi: number) => void;
type SeriesConst = (a: Float64Array, c: number, out: Float64Array, lo: number, hi: number) => void;
type ConstSeries = (c: number, b: Float64Array, out: Float64Array, lo: number, hi: number) => void;

function pairKernel(op: string, ss: SeriesSeries, sc: SeriesConst, cs: ConstSeries): Kernel {
  return (ctx, args, out) => {
    const a = operandArg(ctx, args, 0, op);
    const b = operandArg(ctx, args, 1, op);
    if (typeof a === 'number') {
      if (typeof b === 'number') throw new TypeError(`${op}: both operands are constants`);
      forEachSeries(ctx, out, (lo, hi) => cs(a, b, out, lo, hi));
    } else if (typeof b === 'number') {
      forEachSeries(ctx, out, (lo, hi) => sc(a, b, out, lo, hi));
    } else {
      forEachSeries(ctx, out, (lo, hi) => ss(a, b, out, lo, hi));
    }
  };
}

/** For commutative operators the constant-series loop is the series-constant loop. */
function swapped(sc: SeriesConst): ConstSeries {
  return (c, b, out, lo, hi) => sc(b, c, out, lo, hi);
}

// ---- arithmetic (IEEE: x/0 = +-inf, 0/0 = NaN) ----

const addSC: SeriesConst = (a, c, o, lo, hi) => { for (let k = lo; k < hi; k++) o[k] = a[k]! + c; };
export const Add = pairKernel('Add',
  (a, b, o, lo, hi) => { for (let k = lo; k < hi; k++) o[k] = a[k]! + b[k]!; }, addSC, swapped(addSC));

export const Sub = pairKernel('Sub',
  (a, b, o, lo, hi) => { for (let k = lo; k < hi; k++) o[k] = a[k]! - b[k]!; },
  (a, c, o, lo, hi) => { for (let k = lo; k < hi; k++) o[k] = a[k]! - c; },
  (c, b, o, lo, hi) => { for (let k = lo; k < hi; k++) o[k] = c - b[k]!; });

const mulSC: SeriesConst = (a, c, o, lo, hi) => { for (let k = lo; k < hi; k++) o[k] = a[k]! * c; };
export const Mul = pairKernel('Mul',
  (a, b, o, lo, hi) => { for (let k = lo; k < hi; k++) o[k] = a[k]! * b[k]!; }, mulSC, swapped(mulSC));

export const Div = pairKernel('Div',
  (a, b, o, lo, hi) => { for (let k = lo; k < hi; k++) o[k] = a[k]! / b[k]!; },
  (a, c, o, lo, hi) => { for (let k = lo; k < hi; k++) o[k] = a[k]! / c; },
  (c, b, o, lo, hi) => { for (let k = lo; k < hi; k++) o[k] = c / b[k]!; });

// ---- numpy.maximum / numpy.minimum: NaN if either operand is NaN (as Math.max/min) ----

const greaterSC: SeriesConst = (a, c, o, lo, hi) => { for (let k = lo; k < hi; k++) o[k] = Math.max(a[k]!, c); };
export const Greater = pairKernel('Greater',
  (a, b, o, lo, hi) => { for (let k = lo; k < hi; k++) o[k] = Math.max(a[k]!, b[k]!); }, greaterSC, swapped(greaterSC));

const lessSC: SeriesConst = (a, c, o, lo, hi) => { for (let k = lo; k < hi; k++) o[k] = Math.min(a[k]!, c); };
export const Less = pairKernel('Less',
  (a, b, o, lo, hi) => { for (let k = lo; k < hi; k++) o[k] = Math.min(a[k]!, b[k]!); }, lessSC, swapped(lessSC));

// ---- comparisons: 1 or 0; every comparison with NaN is false, so only Ne gives 1 ----

export const Gt = pairKernel('Gt',
  (a, b, o, lo, hi) => { for (let k = lo; k < hi; k++) o[k] = a[k]! > b[k]! ? 1 : 0; },
  (a, c, o, lo, hi) => { for (let k = lo; k < hi; k++) o[k] = a[k]! > c ? 1 : 0; },
  (c, b, o, lo, hi) => { for (let k = lo; k < hi; k++) o[k] = c > b[k]! ? 1 : 0; });

export const Ge = pairKernel('Ge',
  (a, b, o, lo, hi) => { for (let k = lo; k < hi; k++) o[k] = a[k]! >= b[k]! ? 1 : 0; },
  (a, c, o, lo, hi) => { for (let k = lo; k < hi; k++) o[k] = a[k]! >= c ? 1 : 0; },
  (c, b, o, lo, hi) => { for (let k = lo; k < hi; k++) o[k] = c >= b[k]! ? 1 : 0; });

export const Lt = pairKernel('Lt',
  (a, b, o, lo, hi) => { for (let k = lo; k < hi; k++) o[k] = a[k]! < b[k]! ? 1 : 0; },
  (a, c, o, lo, hi) => { for (let k = lo; k < hi; k++) o[k] = a[k]! < c ? 1 : 0; },
  (c, b, o, lo, hi) => { for (let k = lo; k < hi; k++) o[k] = c < b[k]! ? 1 : 0; });

export const Le = pairKernel('Le',
  (a, b, o, lo, hi) => { for (let k = lo; k < hi; k++) o[k] = a[k]! <= b[k]! ? 1 : 0; },
  (a, c, o, lo, hi) => { for (let k = lo; k < hi; k++) o[k] = a[k]! <= c ? 1 : 0; },
  (c, b, o, lo, hi) => { for (let k = lo; k < hi; k++) o[k] = c <= b[k]! ? 1 : 0; });

const eqSC: SeriesConst = (a, c, o, lo, hi) => { for (let k = lo; k < hi; k++) o[k] = a[k] === c ? 1 : 0; };
export const Eq = pairKernel('Eq',
  (a, b, o, lo, hi) => { for (let k = lo; k < hi; k++) o[k] = a[k] === b[k] ? 1 : 0; }, eqSC, swapped(eqSC));

const neSC: SeriesConst = (a, c, o, lo, hi) => { for (let k = lo; k < hi; k++) o[k] = a[k] !== c ? 1 : 0; };
export const Ne = pairKernel('Ne',
  (a, b, o, lo, hi) => { for (let k = lo; k < hi; k++) o[k] = a[k] !== b[k] ? 1 : 0; }, neSC, swapped(neSC));

// ---- logic: non-zero is true and NaN counts as true (numpy truthiness) ----

const andSC: SeriesConst = (a, c, o, lo, hi) => {
  if (c === 0) o.fill(0, lo, hi);
  else for (let k = lo; k < hi; k++) o[k] = a[k] !== 0 ? 1 : 0;
};
export const And = pairKernel('And',
  (a, b, o, lo, hi) => { for (let k = lo; k < hi; k++) o[k] = a[k] !== 0 && b[k] !== 0 ? 1 : 0; }, andSC, swapped(andSC));

const orSC: SeriesConst = (a, c, o, lo, hi) => {
  if (c !== 0) o.fill(1, lo, hi);
  else for (let k = lo; k < hi; k++) o[k] = a[k] !== 0 ? 1 : 0;
};
export const Or = pairKernel('Or',
  (a, b, o, lo, hi) => { for (let k = lo; k < hi; k++) o[k] = a[k] !== 0 || b[k] !== 0 ? 1 : 0; }, orSC, swapped(orSC));
