/**
 * windowSums and windowStatistics (./windowSums.ts), and regressionRange
 * (./regression.ts), for a whole panel with the WASM-SIMD kernels
 * (assembly/rollingSums.ts, built by `npm run build` into dist/wasm/):
 * instruments two at a time, one per f64x2 lane (forEachPair), bit for bit
 * equal to the TypeScript twins (the reference;
 * tests/kernels/rollingSumsWasm.test.ts). An odd instrument out shares a
 * call with itself: measured faster than the twin on it, except for
 * expanding windows, where the two are about even.
 */

import type { KernelContext } from '../types.js';
import { type KernelModuleExports, forEachPair, loadKernelModule } from '../wasmModule.js';
import { blockLength, type WindowStatistics } from './windowSums.js';

interface RollingSumsExports extends KernelModuleExports {
  windowSumsPair(x0: number, x1: number, len: number, B: number, sum0: number, sum1: number, mean0: number, mean1: number, suffix: number): void;
  windowStatisticsPair(
    x0: number, x1: number, len: number, B: number, sum0: number, sum1: number, mean0: number, mean1: number,
    var0: number, var1: number, std0: number, std1: number, suffix: number,
  ): void;
  regressionPair(
    x0: number, x1: number, len: number, B: number, window: number,
    slope0: number, slope1: number, rsquare0: number, rsquare1: number, resi0: number, resi1: number, suffix: number,
  ): void;
}

const kernels = loadKernelModule<RollingSumsExports>('rollingSums');
const wasm = kernels.exports;

/** windowSums for every instrument: sums and means (null = not asked). */
export function windowSumsPanel(
  ctx: KernelContext, x: Float64Array, window: number, sum: Float64Array | null, mean: Float64Array | null,
): void {
  forEachPair(kernels, ctx, [x], [sum, mean], 4, ({ inputs: [[x0, x1]], outs: [s, m], scratch }, len) =>
    wasm.windowSumsPair(x0!, x1!, len, blockLength(window, len), s![0], s![1], m![0], m![1], scratch));
}

/** windowStatistics for every instrument. */
export function windowStatisticsPanel(ctx: KernelContext, x: Float64Array, window: number, outs: WindowStatistics): void {
  forEachPair(kernels, ctx, [x], [outs.sum, outs.mean, outs.variance, outs.std], 6, ({ inputs: [[x0, x1]], outs: [s, m, v, d], scratch }, len) =>
    wasm.windowStatisticsPair(x0!, x1!, len, blockLength(window, len), s![0], s![1], m![0], m![1], v![0], v![1], d![0], d![1], scratch));
}

/** regressionRange for every instrument: slopes, r-squares and residuals (null = not asked). */
export function regressionPanel(
  ctx: KernelContext, y: Float64Array, window: number, slope: Float64Array | null, rsquare: Float64Array | null, resi: Float64Array | null,
): void {
  forEachPair(kernels, ctx, [y], [slope, rsquare, resi], 12, ({ inputs: [[x0, x1]], outs: [s, r, e], scratch }, len) =>
    wasm.regressionPair(x0!, x1!, len, blockLength(window, len), window, s![0], s![1], r![0], r![1], e![0], e![1], scratch));
}
