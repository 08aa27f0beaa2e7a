/**
 * windowSums and windowStatistics (./windowSums.ts), and regressionRange
 * (./regression.ts), for a whole panel with the WASM-SIMD kernels
 * (assembly/rollingSums.ts, built by `npm run build` into dist/wasm/):
 * instruments two at a time, one per f64x2 lane, bit for bit equal to the
 * TypeScript twins (the reference; tests/kernels/rollingSumsWasm.test.ts).
 * An odd instrument out shares a call with itself: measured faster than the
 * twin on it, except for expanding windows, where the two are about even.
 *
 * The engine's arrays live outside WASM memory, so each pair's series are
 * copied in and its outputs copied out (memcpy, small next to the kernel).
 * Instruments are paired by length, the shorter padded with NaN: outputs
 * depend only on past days, and a block at least as long as a series is the
 * twin's single block, so padding changes no output of the shorter.
 */

import { clampDay } from '../driver.js';
import type { KernelContext } from '../types.js';
import { type KernelModuleExports, loadKernelModule } from '../wasmModule.js';
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

/** One WASM call: both series' cells at x0 and x1, each output's lane 0 and lane 1 (0 = not asked), scratch. */
type PairCall = (x0: number, x1: number, len: number, B: number, outs: readonly number[], suffix: number) => void;

/**
 * Runs `call` on the panel's instruments two by two and writes `outs` (null
 * = not asked), NaN outside each instrument's range, as forEachSeriesOf with
 * the twin would. `suffixCells` doubles of scratch per day of the longest series.
 */
function forEachPair(
  ctx: KernelContext, x: Float64Array, window: number, outs: readonly (Float64Array | null)[], suffixCells: number, call: PairCall,
): void {
  const { T, N, start, end } = ctx;
  const series: { lo: number; len: number }[] = [];
  for (let i = 0; i < N; i++) {
    const row = i * T;
    const s = clampDay(start[i]!, T);
    const e = Math.max(s, clampDay(end[i]!, T));
    for (const out of outs) {
      if (out === null) continue;
      if (s > 0) out.fill(NaN, row, row + s);
      if (e < T) out.fill(NaN, row + e, row + T);
    }
    if (e > s) series.push({ lo: row + s, len: e - s });
  }
  series.sort((a, b) => a.len - b.len);
  if (series.length === 0) return;
  if (series.length % 2 === 1) series.unshift(series[0]!);
  // layout in cells of the longest series L: x0 x1, per output its two lanes, then the scratch
  const L = series[series.length - 1]!.len;
  const mem = kernels.reserve(8 * (2 + 2 * outs.length + suffixCells) * L);
  const cell = (k: number): number => kernels.base / 8 + k * L;
  const x0 = cell(0), x1 = cell(1), suffix = cell(2 + 2 * outs.length);
  const lanes = outs.map((out, k) => (out === null ? [0, 0] : [cell(2 + 2 * k), cell(3 + 2 * k)]) as [number, number]);
  const pointers = lanes.flatMap(([a, b]) => [8 * a, 8 * b]);
  for (let k = 0; k < series.length; k += 2) {
    const a = series[k]!, b = series[k + 1]!; // a.len <= b.len
    const len = b.len;
    mem.set(x.subarray(a.lo, a.lo + a.len), x0);
    mem.fill(NaN, x0 + a.len, x0 + len);
    mem.set(x.subarray(b.lo, b.lo + len), x1);
    call(8 * x0, 8 * x1, len, blockLength(window, len), pointers, 8 * suffix);
    outs.forEach((out, o) => {
      if (out === null) return;
      const [lane0, lane1] = lanes[o]!;
      out.set(mem.subarray(lane0, lane0 + a.len), a.lo);
      out.set(mem.subarray(lane1, lane1 + len), b.lo);
    });
  }
}

/** windowSums for every instrument: sums and means (null = not asked). */
export function windowSumsPanel(
  ctx: KernelContext, x: Float64Array, window: number, sum: Float64Array | null, mean: Float64Array | null,
): void {
  forEachPair(ctx, x, window, [sum, mean], 4, (x0, x1, len, B, o, suffix) => wasm.windowSumsPair(x0, x1, len, B, o[0]!, o[1]!, o[2]!, o[3]!, suffix));
}

/** windowStatistics for every instrument. */
export function windowStatisticsPanel(ctx: KernelContext, x: Float64Array, window: number, outs: WindowStatistics): void {
  forEachPair(ctx, x, window, [outs.sum, outs.mean, outs.variance, outs.std], 6, (x0, x1, len, B, o, suffix) =>
    wasm.windowStatisticsPair(x0, x1, len, B, o[0]!, o[1]!, o[2]!, o[3]!, o[4]!, o[5]!, o[6]!, o[7]!, suffix));
}

/** regressionRange for every instrument: slopes, r-squares and residuals (null = not asked). */
export function regressionPanel(
  ctx: KernelContext, y: Float64Array, window: number, slope: Float64Array | null, rsquare: Float64Array | null, resi: Float64Array | null,
): void {
  forEachPair(ctx, y, window, [slope, rsquare, resi], 12, (x0, x1, len, B, o, suffix) =>
    wasm.regressionPair(x0, x1, len, B, window, o[0]!, o[1]!, o[2]!, o[3]!, o[4]!, o[5]!, suffix));
}
