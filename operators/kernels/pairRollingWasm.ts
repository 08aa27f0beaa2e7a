/**
 * pairRange and markedCorr (./pairRolling.ts) for a whole panel with the
 * WASM-SIMD kernels (assembly/pairRolling.ts, built by `npm run build` into dist/wasm/):
 * instruments two at a time, one per f64x2 lane (forEachPair), bit for bit
 * equal to the TypeScript twin (the reference;
 * tests/kernels/pairRollingWasm.test.ts).
 */

import { blockLength } from './rolling/windowSums.js';
import type { KernelContext } from './types.js';
import { type KernelModuleExports, forEachPair, loadKernelModule } from './wasmModule.js';

interface PairRollingExports extends KernelModuleExports {
  pairRangePair(
    a0: number, a1: number, b0: number, b1: number, len: number, B: number, window: number, corr: boolean,
    out0: number, out1: number, bounded0: boolean, bounded1: boolean, suffix: number,
  ): number;
  markedCorrPair(
    a0: number, a1: number, b0: number, b1: number, len: number, B: number, window: number,
    out0: number, out1: number, stdA0: number, stdA1: number, stdB0: number, stdB1: number, suffix: number,
  ): void;
}

const kernels = loadKernelModule<PairRollingExports>('pairRolling');

/**
 * Cov (corr = false) or Corr of a and b for every instrument, Corr's
 * flatness test BOUNDED where `bounded[i]` is 1 and SAME_DAYS elsewhere (see
 * pairRolling.ts). Returns the instruments whose BOUNDED test could not
 * decide a day: their outputs are partly wrong and must be redone.
 */
export function pairRangePanel(
  ctx: KernelContext, a: Float64Array, b: Float64Array, out: Float64Array, window: number, corr: boolean, bounded: Uint8Array,
): number[] {
  const undecided = new Set<number>();
  forEachPair(kernels, ctx, [a, b], [out], 12, ({ inputs: [as, bs], outs: [o], scratch }, len, first, second) => {
    const lanes = kernels.exports.pairRangePair(
      as![0], as![1], bs![0], bs![1], len, blockLength(window, len), window, corr,
      o![0], o![1], bounded[first.instrument] === 1, bounded[second.instrument] === 1, scratch,
    );
    if (lanes & 1) undecided.add(first.instrument);
    if (lanes & 2) undecided.add(second.instrument);
  });
  return [...undecided];
}

/**
 * Corr of a and b with the exact MARKED flatness test (the twin's
 * markedCorr), for the given instruments only: what pairRangePanel's
 * undecided instruments are redone with. The others' outputs are untouched.
 */
export function markedCorrPanel(ctx: KernelContext, a: Float64Array, b: Float64Array, out: Float64Array, window: number, instruments: readonly number[]): void {
  // scratch per day: the suffix sums (12 doubles), then the four own standard deviations
  forEachPair(kernels, ctx, [a, b], [out], 16, ({ inputs: [as, bs], outs: [o], scratch }, len) => {
    const std = (k: number): number => scratch + 8 * len * (12 + k);
    kernels.exports.markedCorrPair(as![0], as![1], bs![0], bs![1], len, blockLength(window, len), window, o![0], o![1], std(0), std(1), std(2), std(3), scratch);
  }, new Set(instruments));
}
