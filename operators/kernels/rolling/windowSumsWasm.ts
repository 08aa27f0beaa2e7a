/**
 * windowSums for a whole panel with the WASM-SIMD kernel (assembly/windowSums.ts,
 * built by `npm run build` into dist/wasm/): instruments two at a time, one
 * per f64x2 lane, bit for bit equal to the TypeScript twin (the reference,
 * tests/kernels/windowSumsWasm.test.ts). An odd instrument out shares a call
 * with itself: measured faster than the twin on it, except for expanding
 * windows, where the two are about even.
 *
 * The engine's arrays live outside WASM memory, so each pair's series are
 * copied in and its sums and means copied out (memcpy, small next to the
 * kernel). Instruments are paired by length, the shorter padded with NaN:
 * outputs depend only on past days, and a block at least as long as a series
 * is the twin's single block, so padding changes no output of the shorter.
 */

import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clampDay } from '../driver.js';
import type { KernelContext } from '../types.js';
import { blockLength } from './windowSums.js';

// The WebAssembly global as used here (the project's lib settings do not declare it).
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
};

interface WindowSumsExports {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  heapBase(): number;
  windowSumsPair(x0: number, x1: number, len: number, B: number, sum0: number, sum1: number, mean0: number, mean1: number, suffix: number): void;
}

/** dist/wasm/windowSums.wasm, from the compiled module (dist/operators/kernels/rolling) or from the TypeScript sources (tests). */
function wasmFile(): string {
  const here = fileURLToPath(import.meta.url);
  const root = resolve(dirname(here), '../../..');
  const file = here.endsWith('.js') ? resolve(root, 'wasm/windowSums.wasm') : resolve(root, 'dist/wasm/windowSums.wasm');
  if (!existsSync(file)) throw new Error(`WASM kernel ${file} not found: build first (npm run build)`);
  return file;
}

const wasm = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(wasmFile())), {}).exports as unknown as WindowSumsExports;
const base = (wasm.heapBase() + 15) & ~15;
let heap = new Float64Array(wasm.memory.buffer);

/** Memory for `cells` doubles above heapBase, as a fresh view when it had to grow. */
function reserve(cells: number): Float64Array {
  const bytes = base + 8 * cells;
  if (bytes > wasm.memory.buffer.byteLength) {
    wasm.memory.grow(Math.ceil((bytes - wasm.memory.buffer.byteLength) / 65536));
    heap = new Float64Array(wasm.memory.buffer);
  }
  return heap;
}

/**
 * Sums and means (null = not asked) of x over each instrument's windows, NaN
 * outside each instrument's range, as forEachSeriesOf + windowSums would
 * write them.
 */
export function windowSumsPanel(
  ctx: KernelContext, x: Float64Array, window: number, sum: Float64Array | null, mean: Float64Array | null,
): void {
  const { T, N, start, end } = ctx;
  const outs = [sum, mean].filter((o): o is Float64Array => o !== null);
  const series: { lo: number; len: number }[] = [];
  for (let i = 0; i < N; i++) {
    const row = i * T;
    const s = clampDay(start[i]!, T);
    const e = Math.max(s, clampDay(end[i]!, T));
    for (const out of outs) {
      if (s > 0) out.fill(NaN, row, row + s);
      if (e < T) out.fill(NaN, row + e, row + T);
    }
    if (e > s) series.push({ lo: row + s, len: e - s });
  }
  series.sort((a, b) => a.len - b.len);
  if (series.length === 0) return;
  if (series.length % 2 === 1) series.unshift(series[0]!);
  // layout in cells of the longest series L: x0 x1 sum0 sum1 mean0 mean1 | suffix (4 L)
  const L = series[series.length - 1]!.len;
  const mem = reserve(10 * L);
  const at = base / 8;
  const [x0, x1, s0, s1, m0, m1, sfx] = [0, 1, 2, 3, 4, 5, 6].map((k) => at + k * L) as [number, number, number, number, number, number, number];
  for (let k = 0; k < series.length; k += 2) {
    const a = series[k]!, b = series[k + 1]!; // a.len <= b.len
    const len = b.len;
    mem.set(x.subarray(a.lo, a.lo + a.len), x0);
    mem.fill(NaN, x0 + a.len, x0 + len);
    mem.set(x.subarray(b.lo, b.lo + len), x1);
    wasm.windowSumsPair(
      8 * x0, 8 * x1, len, blockLength(window, len),
      sum ? 8 * s0 : 0, 8 * s1, mean ? 8 * m0 : 0, 8 * m1, 8 * sfx,
    );
    if (sum) {
      sum.set(mem.subarray(s0, s0 + a.len), a.lo);
      sum.set(mem.subarray(s1, s1 + len), b.lo);
    }
    if (mean) {
      mean.set(mem.subarray(m0, m0 + a.len), a.lo);
      mean.set(mem.subarray(m1, m1 + len), b.lo);
    }
  }
}
