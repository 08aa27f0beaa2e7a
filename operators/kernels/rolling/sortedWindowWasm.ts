/**
 * slideSorted (./orderStatistics.ts) for a whole panel with the WASM kernel
 * (assembly/sortedWindow.ts, built by `npm run build` into dist/wasm/):
 * instrument by instrument, bit for bit equal to the TypeScript twin (the
 * reference; tests/kernels/sortedWindowWasm.test.ts). Each series is copied
 * into WASM memory and its answers copied out (memcpy, small next to the
 * kernel).
 */

import { forEachSeriesOf, longestSeries } from '../driver.js';
import type { KernelContext } from '../types.js';
import { type KernelModuleExports, loadKernelModule } from '../wasmModule.js';

interface SortedWindowExports extends KernelModuleExports {
  slideSorted(x: number, len: number, window: number, m: number, kinds: number, levels: number, outs: number, ring: number): void;
}

const kernels = loadKernelModule<SortedWindowExports>('sortedWindow');

/**
 * Requests j = 0 .. kinds.length - 1 (kind as slideSorted's, Quantile's
 * level) over windows of `window` days (1 .. SMALL_WINDOW, at most 64), written to
 * outs[j], NaN outside each instrument's range.
 */
export function slideSortedPanel(ctx: KernelContext, x: Float64Array, window: number, kinds: Int32Array, levels: Float64Array, outs: readonly Float64Array[]): void {
  const m = kinds.length;
  const L = longestSeries(ctx);
  // layout in doubles from base: levels (m), kinds and output pointers (m each, as 32-bit words), the ring (64, 16-byte aligned), x, the outputs
  const levelsAt = kernels.base / 8;
  const kindsAt = levelsAt + m;
  const pointersAt = kindsAt + Math.ceil(m / 2);
  const afterPointers = pointersAt + Math.ceil(m / 2);
  const ringAt = afterPointers + (afterPointers % 2); // base is 16-byte aligned: so is the ring
  const xAt = ringAt + 64;
  const outAt = (j: number): number => xAt + (j + 1) * L;
  const heap = kernels.reserve(8 * (outAt(m) - levelsAt));
  const words = new Int32Array(heap.buffer);
  heap.set(levels, levelsAt);
  words.set(kinds, 2 * kindsAt);
  for (let j = 0; j < m; j++) words[2 * pointersAt + j] = 8 * outAt(j);
  forEachSeriesOf(ctx, outs, (lo, hi) => {
    heap.set(x.subarray(lo, hi), xAt);
    kernels.exports.slideSorted(8 * xAt, hi - lo, window, m, 8 * kindsAt, 8 * levelsAt, 8 * pointersAt, 8 * ringAt);
    for (let j = 0; j < m; j++) outs[j]!.set(heap.subarray(outAt(j), outAt(j) + hi - lo), lo);
  });
}
