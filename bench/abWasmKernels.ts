/**
 * A/B of each WASM kernel against its TypeScript twin, in one process:
 * alternating runs, best of several, on the kernel benchmark's synthetic
 * CSI 300-sized panel (closes at cents, so ties; suspensions as NaN runs),
 * whole panel and, for the window sums, in engine-sized blocks of
 * instruments; and whether the outputs are the same bits.
 *
 *   npm run build && node dist/bench/abWasmKernels.js [--runs 7] [--block 5]
 */

import { performance } from 'node:perf_hooks';
import { forEachSeriesOf } from '../operators/kernels/driver.js';
import { Corr, Cov, pairPanel } from '../operators/kernels/pairRolling.js';
import { MAX_FAMILY, MAX_FAMILY_TWIN, MIN_FAMILY, MIN_FAMILY_TWIN } from '../operators/kernels/rolling/extremes.js';
import { MEDIAN_KIND, QUANTILE_KIND, RANK_KIND, SMALL_WINDOW, slideSorted } from '../operators/kernels/rolling/orderStatistics.js';
import { windowSumsPanel } from '../operators/kernels/rolling/rollingSumsWasm.js';
import { SortedWindow } from '../operators/kernels/rolling/sortedWindow.js';
import { slideSortedPanel } from '../operators/kernels/rolling/sortedWindowWasm.js';
import { windowSums } from '../operators/kernels/rolling/windowSums.js';
import type { KernelContext } from '../operators/kernels/types.js';
import { makePanel } from './syntheticPanel.js';

function option(name: string, fallback: string): number {
  const i = process.argv.indexOf(`--${name}`);
  return Number(i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback);
}

const RUNS = option('runs', '7');
const { ctx, close, volume, ret } = makePanel(2917, 736);
const { T, N } = ctx;

function sameBits(a: Float64Array, b: Float64Array): boolean {
  const u = new BigUint64Array(a.buffer), v = new BigUint64Array(b.buffer);
  return u.every((w, k) => w === v[k]);
}

/** Best milliseconds of each side over alternating runs, and one line of ns per cell. */
function ab(name: string, ts: () => void, wasm: () => void, same: () => boolean): void {
  const best = { ts: Infinity, wasm: Infinity };
  const run = { ts, wasm };
  for (let r = 0; r < RUNS; r++) {
    for (const side of r % 2 === 0 ? (['ts', 'wasm'] as const) : (['wasm', 'ts'] as const)) {
      const started = performance.now();
      run[side]();
      best[side] = Math.min(best[side], performance.now() - started);
    }
  }
  const ns = (ms: number): string => ((ms * 1e6) / (N * T)).toFixed(2);
  console.log(`${name.padEnd(46)} TS ${ns(best.ts).padStart(6)}  WASM ${ns(best.wasm).padStart(6)}  x${(best.ts / best.wasm).toFixed(2)}${same() ? '' : '  DIFFERENT BITS'}`);
}

/** `block` instruments of the panel from i0, as the engine hands them to kernels. */
function part(i0: number, block: number): { ctx: KernelContext; cells: [number, number] } {
  const i1 = Math.min(N, i0 + block);
  return { ctx: { ...ctx, N: i1 - i0, start: ctx.start.subarray(i0, i1), end: ctx.end.subarray(i0, i1) }, cells: [i0 * T, i1 * T] };
}

console.log(`WASM kernels against their TypeScript twins: ${T} days x ${N} instruments, best of ${RUNS} (ns per cell)`);

// window sums (Sum, Mean; windowStatistics and the regression share the scheme)
const suffix = new Float64Array(3 * T);
const means = { ts: new Float64Array(N * T), wasm: new Float64Array(N * T) };
for (const block of [option('block', '5'), N]) {
  for (const window of [5, 20, 60, 0]) {
    const side = (which: 'ts' | 'wasm') => (): void => {
      for (let i0 = 0; i0 < N; i0 += block) {
        const { ctx: c, cells: [a, b] } = part(i0, block);
        const x = close.subarray(a, b), mean = means[which].subarray(a, b);
        if (which === 'wasm') windowSumsPanel(c, x, window, null, mean);
        else forEachSeriesOf(c, [mean], (lo, hi) => windowSums(x, lo, hi, window, null, mean, lo, suffix));
      }
    };
    ab(`Mean(${window}), blocks of ${block}`, side('ts'), side('wasm'), () => sameBits(means.ts, means.wasm));
  }
}

// sorted windows (Rank, Quantile, Med up to SMALL_WINDOW days)
const sorted = new SortedWindow(SMALL_WINDOW);
for (const ask of [
  { name: 'Rank + Quantile(0.8) + Quantile(0.2)', kinds: [RANK_KIND, QUANTILE_KIND, QUANTILE_KIND], levels: [0, 0.8, 0.2] },
  { name: 'Med', kinds: [MEDIAN_KIND], levels: [0] },
]) {
  const kinds = Int32Array.from(ask.kinds), levels = Float64Array.from(ask.levels);
  const outs = { ts: ask.kinds.map(() => new Float64Array(N * T)), wasm: ask.kinds.map(() => new Float64Array(N * T)) };
  for (const window of [5, 20, 60]) {
    ab(
      `${ask.name} (${window})`,
      () => forEachSeriesOf(ctx, outs.ts, (lo, hi) => slideSorted(close, lo, hi, window, sorted, kinds, levels, outs.ts)),
      () => slideSortedPanel(ctx, close, window, kinds, levels, outs.wasm),
      () => outs.ts.every((o, j) => sameBits(o, outs.wasm[j]!)),
    );
  }
}

// pair windows (Cov, Corr): close and volume are missing on the same days; returns lack the first day
const pairs = { ts: new Float64Array(N * T), wasm: new Float64Array(N * T) };
for (const [name, a, b] of [['close, volume', close, volume], ['returns, volume', ret, volume]] as const) {
  for (const [op, kernel, corr] of [['Cov', Cov, false], ['Corr', Corr, true]] as const) {
    for (const window of [5, 20, 60]) {
      ab(
        `${op}(${name}, ${window})`,
        () => pairPanel(ctx, a, b, pairs.ts, window, corr),
        () => kernel(ctx, [a, b, window], pairs.wasm),
        () => sameBits(pairs.ts, pairs.wasm),
      );
    }
  }
}

// rolling extremes (Max, IdxMax, Min, IdxMin): Alpha158's windows
const WINDOWS = [5, 10, 20, 30, 60];
for (const [name, wasm, twin, ops] of [
  ['Max + IdxMax (5, 10, 20, 30, 60)', MAX_FAMILY, MAX_FAMILY_TWIN, ['Max', 'IdxMax']],
  ['Min (5, 10, 20, 30, 60)', MIN_FAMILY, MIN_FAMILY_TWIN, ['Min']],
  ['Max (20)', MAX_FAMILY, MAX_FAMILY_TWIN, ['Max']],
] as const) {
  const windows = name === 'Max (20)' ? [20] : WINDOWS;
  const requests = () => windows.flatMap((w) => ops.map((op) => ({ op, params: [w], out: new Float64Array(N * T) })));
  const outs = { ts: requests(), wasm: requests() };
  ab(name, () => twin.kernel(ctx, [close], outs.ts), () => wasm.kernel(ctx, [close], outs.wasm), () => outs.ts.every((r, k) => sameBits(r.out, outs.wasm[k]!.out)));
}
