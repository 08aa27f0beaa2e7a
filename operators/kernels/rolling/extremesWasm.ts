/**
 * A family of rolling extremes (./extremes.ts) for a whole panel with the
 * WASM-SIMD kernels (assembly/extremes.ts, built by `npm run build` into
 * dist/wasm/): instruments two at a time, one per f64x2 lane (forEachPair),
 * each window directly (about as fast as joining windows from smaller ones,
 * which the TypeScript kernel did before); bit for bit equal to the
 * TypeScript twin (the reference; tests/kernels/extremesWasm.test.ts).
 */

import type { KernelContext } from '../types.js';
import { type KernelModuleExports, forEachPair, loadKernelModule } from '../wasmModule.js';
import { blockLength } from './windowSums.js';

interface ExtremesExports extends KernelModuleExports {
  extremesPair(x0: number, x1: number, len: number, B: number, sign: number, value0: number, value1: number, position0: number, position1: number, suffix: number): void;
}

const kernels = loadKernelModule<ExtremesExports>('extremes');

/** One window of a family call: its asked outputs (null: not asked). */
export interface ExtremeWindow {
  readonly window: number;
  readonly value: Float64Array | null;
  readonly position: Float64Array | null;
}

/** Every window of one family call over x (sign 1 = maxima, -1 = minima), NaN outside each instrument's range. */
export function extremesPanel(ctx: KernelContext, x: Float64Array, sign: 1 | -1, windows: readonly ExtremeWindow[]): void {
  // scratch: the suffix extremes, 6 doubles per day
  forEachPair(kernels, ctx, [x], windows.flatMap((w) => [w.value, w.position]), 6, ({ inputs: [input], outs, scratch }, len) => {
    const [x0, x1] = input!;
    windows.forEach((w, k) => {
      const [value, position] = [outs[2 * k]!, outs[2 * k + 1]!];
      kernels.exports.extremesPair(x0, x1, len, blockLength(w.window, len), sign, value[0], value[1], position[0], position[1], scratch);
    });
  });
}
