/**
 * Sums and means of all-equal windows are the run's first value times n, and
 * a run of equal values can mix 0 and -0: windowSums (Sum, Mean alone)
 * tracks runs without branches and must still give the run's first zero's
 * sign, as windowStatistics (Sum, Mean with Var or Std) and a naive
 * definition do.
 */
import { describe, expect, it } from 'vitest';
import { familyOf } from '../../operators/kernels/families.js';
import { KERNELS } from '../../operators/kernels/index.js';
import type { KernelContext } from '../../operators/kernels/types.js';
import { bitDifferences } from '../engine/helpers.js';
import { mulberry32 } from './panels.js';

/** Runs of -0, 0, 1 and missing days (0/1 series and gains clipped at 0 look like this). */
function zeroRuns(ctx: KernelContext, seed: number): Float64Array {
  const rand = mulberry32(seed);
  const x = new Float64Array(ctx.N * ctx.T).fill(NaN);
  for (let i = 0; i < ctx.N; i++) {
    for (let t = ctx.start[i]!; t < ctx.end[i]!; t++) {
      const u = rand();
      x[i * ctx.T + t] = u < 0.35 ? -0 : u < 0.7 ? 0 : u < 0.9 ? 1 : NaN;
    }
  }
  return x;
}

/** Sum of each window by definition: the first value of the run of equal finite values ending today, times n, when all are equal. */
function naiveConstantSums(ctx: KernelContext, x: Float64Array, window: number): Float64Array {
  const out = new Float64Array(ctx.N * ctx.T).fill(NaN);
  for (let i = 0; i < ctx.N; i++) {
    const lo = i * ctx.T + ctx.start[i]!, hi = i * ctx.T + ctx.end[i]!;
    for (let t = lo; t < hi; t++) {
      const from = window > 0 ? Math.max(lo, t - window + 1) : lo;
      const values = Array.from(x.subarray(from, t + 1)).filter(Number.isFinite);
      if (values.length === 0 || values.some((v) => v !== values[0])) continue;
      let first = t;
      for (let k = t - 1; k >= lo; k--) {
        if (!Number.isFinite(x[k]!)) continue;
        if (x[k] !== values[0]) break;
        first = k;
      }
      while (!Number.isFinite(x[first]!)) first++;
      out[t] = x[first]! * values.length;
    }
  }
  return out;
}

describe('sums and means of all-equal windows of mixed zeros', () => {
  const T = 300;
  const ctx: KernelContext = { T, N: 4, start: Int32Array.from([0, 40, 0, 120]), end: Int32Array.from([T, T, 200, 290]), universe: null };
  const x = zeroRuns(ctx, 5);

  it('windowSums equals windowStatistics bit for bit (Sum and Mean alone vs with Var)', () => {
    for (const window of [1, 2, 3, 5, 10, 0, 1000]) {
      const alone = [new Float64Array(ctx.N * T), new Float64Array(ctx.N * T)];
      const withVar = [new Float64Array(ctx.N * T), new Float64Array(ctx.N * T), new Float64Array(ctx.N * T)];
      familyOf('Sum')!.kernel(ctx, [x, window], [{ op: 'Sum', params: [], out: alone[0]! }, { op: 'Mean', params: [], out: alone[1]! }]);
      familyOf('Sum')!.kernel(ctx, [x, window], [{ op: 'Sum', params: [], out: withVar[0]! }, { op: 'Mean', params: [], out: withVar[1]! }, { op: 'Var', params: [], out: withVar[2]! }]);
      expect(bitDifferences(withVar[0]!, alone[0]!), `Sum window ${window}`).toEqual([]);
      expect(bitDifferences(withVar[1]!, alone[1]!), `Mean window ${window}`).toEqual([]);
    }
  });

  it('the sum of an all-equal window is its run’s first value times n, zero signs included', () => {
    for (const window of [2, 3, 5, 0]) {
      const sum = new Float64Array(ctx.N * T);
      KERNELS.Sum!(ctx, [x, window], sum);
      const naive = naiveConstantSums(ctx, x, window);
      let negativeZeros = 0;
      for (let k = 0; k < naive.length; k++) {
        if (Number.isNaN(naive[k]!)) continue;
        expect(Object.is(sum[k], naive[k]), `window ${window} cell ${k}: ${sum[k]} vs ${naive[k]}`).toBe(true);
        if (Object.is(naive[k], -0)) negativeZeros++;
      }
      expect(negativeZeros).toBeGreaterThan(0);
    }
  });
});
