/**
 * Loading one of the WASM kernel modules (assembly/<name>.ts, built by
 * `npm run build` into dist/wasm/<name>.wasm), handing out its memory, and
 * running a two-lane kernel over a panel's instruments two by two. Loaded
 * synchronously at import, so worker threads have the kernels before their
 * first task.
 *
 * The engine's arrays live outside WASM memory, so each pair's series are
 * copied in and its outputs copied out (memcpy, small next to the kernels).
 */

import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clampDay } from './driver.js';
import type { KernelContext } from './types.js';

// The WebAssembly global as used here (the project's lib settings do not declare it).
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
};

/** What every kernel module exports besides its kernels. */
export interface KernelModuleExports {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  heapBase(): number;
}

export interface KernelModule<E extends KernelModuleExports> {
  readonly exports: E;
  /** First free byte above the module's static data, 16-byte aligned: the caller's arrays go from here. */
  readonly base: number;
  /** The memory as doubles, grown to hold `bytes` bytes above `base` first (a fresh view when it grew). */
  reserve(bytes: number): Float64Array;
}

/** dist/wasm/<name>.wasm, from the compiled module (dist/operators/kernels) or from the TypeScript sources (tests). */
function wasmFile(name: string): string {
  const here = fileURLToPath(import.meta.url);
  const root = resolve(dirname(here), '../..');
  const file = here.endsWith('.js') ? resolve(root, `wasm/${name}.wasm`) : resolve(root, `dist/wasm/${name}.wasm`);
  if (!existsSync(file)) throw new Error(`WASM kernel ${file} not found: build first (npm run build)`);
  return file;
}

export function loadKernelModule<E extends KernelModuleExports>(name: string): KernelModule<E> {
  const exports = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(wasmFile(name))), {}).exports as E;
  const base = (exports.heapBase() + 15) & ~15;
  let heap = new Float64Array(exports.memory.buffer);
  return {
    exports,
    base,
    reserve(bytes: number): Float64Array {
      const needed = base + bytes;
      if (needed > exports.memory.buffer.byteLength) {
        exports.memory.grow(Math.ceil((needed - exports.memory.buffer.byteLength) / 65536));
        heap = new Float64Array(exports.memory.buffer);
      }
      return heap;
    },
  };
}

/** One instrument's own days: panel cells [lo, lo + len). */
export interface PanelSeries {
  readonly instrument: number;
  readonly lo: number;
  readonly len: number;
}

/** Byte addresses for one two-lane call: each input's and each output's lanes (0, 0 = output not asked), and the scratch. */
export interface PairAddresses {
  readonly inputs: readonly (readonly [number, number])[];
  readonly outs: readonly (readonly [number, number])[];
  readonly scratch: number;
}

/**
 * Runs `call` on the panel's instruments two by two (first.len <= second.len,
 * `len` = second.len) and writes `outs` (null = not asked), NaN outside each
 * instrument's range, as forEachSeriesOf with the twin would. Instruments are
 * paired by length, the shorter padded with NaN: the kernels' outputs depend
 * only on past days, and a block at least as long as a series is the twin's
 * single block, so padding changes no output of the shorter. An odd
 * instrument out shares a call with itself. `scratchCells` doubles of
 * scratch per day of the longest series. With `only`, just those
 * instruments: the others' outputs are left as they are.
 */
export function forEachPair(
  kernels: KernelModule<KernelModuleExports>, ctx: KernelContext, inputs: readonly Float64Array[], outs: readonly (Float64Array | null)[],
  scratchCells: number, call: (addresses: PairAddresses, len: number, first: PanelSeries, second: PanelSeries) => void,
  only?: ReadonlySet<number>,
): void {
  const { T, N, start, end } = ctx;
  const series: PanelSeries[] = [];
  for (let i = 0; i < N; i++) {
    if (only && !only.has(i)) continue;
    const row = i * T;
    const s = clampDay(start[i]!, T);
    const e = Math.max(s, clampDay(end[i]!, T));
    for (const out of outs) {
      if (out === null) continue;
      if (s > 0) out.fill(NaN, row, row + s);
      if (e < T) out.fill(NaN, row + e, row + T);
    }
    if (e > s) series.push({ instrument: i, lo: row + s, len: e - s });
  }
  series.sort((a, b) => a.len - b.len);
  if (series.length === 0) return;
  if (series.length % 2 === 1) series.unshift(series[0]!);
  // layout in cells of the longest series L: each input's two lanes, each output's two lanes, then the scratch
  const L = series[series.length - 1]!.len;
  const lanes = 2 * (inputs.length + outs.length);
  const mem = kernels.reserve(8 * (lanes + scratchCells) * L);
  const cell = (k: number): number => kernels.base / 8 + k * L;
  const inputCells = inputs.map((_, k) => [cell(2 * k), cell(2 * k + 1)] as const);
  const outCells = outs.map((out, k) => (out === null ? null : ([cell(2 * inputs.length + 2 * k), cell(2 * inputs.length + 2 * k + 1)] as const)));
  const addresses: PairAddresses = {
    inputs: inputCells.map(([a, b]) => [8 * a, 8 * b] as const),
    outs: outCells.map((o) => (o === null ? ([0, 0] as const) : ([8 * o[0], 8 * o[1]] as const))),
    scratch: 8 * cell(lanes),
  };
  for (let k = 0; k < series.length; k += 2) {
    const first = series[k]!, second = series[k + 1]!;
    const len = second.len;
    inputs.forEach((x, j) => {
      const [lane0, lane1] = inputCells[j]!;
      mem.set(x.subarray(first.lo, first.lo + first.len), lane0);
      mem.fill(NaN, lane0 + first.len, lane0 + len);
      mem.set(x.subarray(second.lo, second.lo + len), lane1);
    });
    call(addresses, len, first, second);
    outs.forEach((out, o) => {
      if (out === null) return;
      const [lane0, lane1] = outCells[o]!;
      out.set(mem.subarray(lane0, lane0 + first.len), first.lo);
      out.set(mem.subarray(lane1, lane1 + len), second.lo);
    });
  }
}
