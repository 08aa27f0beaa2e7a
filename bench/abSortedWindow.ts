/**
 * A/B of the sorted-window pass of Rank, Quantile and Med in one process:
 * the WASM kernel (slideSortedPanel) against its TypeScript twin
 * (slideSorted), alternating runs, best of several, on the kernel
 * benchmark's synthetic CSI 300-sized panel (closes, with ties at cents),
 * asking what Alpha158 asks of each window (Rank, Quantile 0.8 and 0.2) and
 * Med alone; and whether the outputs are the same bits.
 *
 *   npm run build && node dist/bench/abSortedWindow.js [--runs 7]
 */

import { performance } from 'node:perf_hooks';
import { forEachSeriesOf } from '../operators/kernels/driver.js';
import { MEDIAN_KIND, QUANTILE_KIND, RANK_KIND, SMALL_WINDOW, slideSorted } from '../operators/kernels/rolling/orderStatistics.js';
import { SortedWindow } from '../operators/kernels/rolling/sortedWindow.js';
import { slideSortedPanel } from '../operators/kernels/rolling/sortedWindowWasm.js';
import { makePanel } from './syntheticPanel.js';

const i = process.argv.indexOf('--runs');
const RUNS = Number(i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : '7');
const { ctx, close } = makePanel(2917, 736);
const { T, N } = ctx;
const sorted = new SortedWindow(SMALL_WINDOW);
const ASKS = [
  { name: 'Rank+Quantile(0.8)+Quantile(0.2)', kinds: [RANK_KIND, QUANTILE_KIND, QUANTILE_KIND], levels: [0, 0.8, 0.2] },
  { name: 'Med', kinds: [MEDIAN_KIND], levels: [0] },
];

function sameBits(a: Float64Array, b: Float64Array): boolean {
  const u = new BigUint64Array(a.buffer), v = new BigUint64Array(b.buffer);
  return u.every((w, k) => w === v[k]);
}

console.log(`sorted-window A/B: ${T} days x ${N} instruments, best of ${RUNS} (ns per cell)`);
for (const ask of ASKS) {
  const kinds = Int32Array.from(ask.kinds);
  const levels = Float64Array.from(ask.levels);
  const outs = { ts: ask.kinds.map(() => new Float64Array(N * T)), wasm: ask.kinds.map(() => new Float64Array(N * T)) };
  for (const window of [5, 10, 20, 30, 60]) {
    const best = { ts: Infinity, wasm: Infinity };
    for (let r = 0; r < RUNS; r++) {
      for (const side of r % 2 === 0 ? (['ts', 'wasm'] as const) : (['wasm', 'ts'] as const)) {
        const started = performance.now();
        if (side === 'wasm') slideSortedPanel(ctx, close, window, kinds, levels, outs.wasm);
        else forEachSeriesOf(ctx, outs.ts, (lo, hi) => slideSorted(close, lo, hi, window, sorted, kinds, levels, outs.ts));
        best[side] = Math.min(best[side], performance.now() - started);
      }
    }
    const ns = (ms: number): string => ((ms * 1e6) / (N * T)).toFixed(2);
    const same = outs.ts.every((o, j) => sameBits(o, outs.wasm[j]!));
    console.log(`${ask.name}, window ${window}: TS ${ns(best.ts)}  WASM ${ns(best.wasm)}  x${(best.ts / best.wasm).toFixed(2)}${same ? '' : '  DIFFERENT BITS'}`);
  }
}
