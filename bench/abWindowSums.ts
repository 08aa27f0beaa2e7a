/**
 * A/B of windowSums in one process: the WASM-SIMD kernel (windowSumsPanel)
 * against its TypeScript twin, alternating runs, best of several, on the
 * kernel benchmark's synthetic CSI 300-sized panel (closes), whole panel and in engine-sized
 * blocks of instruments; and whether the outputs are the same bits.
 *
 *   npm run build && node dist/bench/abWindowSums.js [--block 5] [--runs 7]
 */

import { performance } from 'node:perf_hooks';
import { forEachSeriesOf } from '../operators/kernels/driver.js';
import { windowSums } from '../operators/kernels/rolling/windowSums.js';
import { windowSumsPanel } from '../operators/kernels/rolling/rollingSumsWasm.js';
import { makePanel } from './syntheticPanel.js';

function option(name: string, fallback: string): number {
  const i = process.argv.indexOf(`--${name}`);
  return Number(i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback);
}

const RUNS = option('runs', '7');
const { ctx, close } = makePanel(2917, 736);
const { T, N } = ctx;
const suffix = new Float64Array(3 * T);
const outs = { ts: [new Float64Array(N * T), new Float64Array(N * T)], wasm: [new Float64Array(N * T), new Float64Array(N * T)] };

/** Sums (when asked) and means of every instrument, `block` instruments per kernel call as the engine does. */
function run(side: 'ts' | 'wasm', window: number, withSum: boolean, block: number): void {
  for (let i0 = 0; i0 < N; i0 += block) {
    const i1 = Math.min(N, i0 + block);
    const part = { ...ctx, N: i1 - i0, start: ctx.start.subarray(i0, i1), end: ctx.end.subarray(i0, i1) };
    const x = close.subarray(i0 * T, i1 * T);
    const sum = withSum ? outs[side][0]!.subarray(i0 * T, i1 * T) : null;
    const mean = outs[side][1]!.subarray(i0 * T, i1 * T);
    if (side === 'wasm') windowSumsPanel(part, x, window, sum, mean);
    else forEachSeriesOf(part, sum ? [sum, mean] : [mean], (lo, hi) => windowSums(x, lo, hi, window, sum, mean, lo, suffix));
  }
}

function sameBits(a: Float64Array, b: Float64Array): boolean {
  const u = new BigUint64Array(a.buffer), v = new BigUint64Array(b.buffer);
  return u.every((w, k) => w === v[k]);
}

console.log(`windowSums A/B: ${T} days x ${N} instruments, best of ${RUNS} (ns per cell)`);
for (const block of [option('block', '5'), N]) {
  for (const withSum of [false, true]) {
    for (const window of [5, 20, 60, 0]) {
      const best = { ts: Infinity, wasm: Infinity };
      for (let r = 0; r < RUNS; r++) {
        for (const side of r % 2 === 0 ? (['ts', 'wasm'] as const) : (['wasm', 'ts'] as const)) {
          const started = performance.now();
          run(side, window, withSum, block);
          best[side] = Math.min(best[side], performance.now() - started);
        }
      }
      const ns = (ms: number): string => ((ms * 1e6) / (N * T)).toFixed(2);
      const same = sameBits(outs.ts[1]!, outs.wasm[1]!) && (!withSum || sameBits(outs.ts[0]!, outs.wasm[0]!));
      console.log(
        `${withSum ? 'Sum+Mean' : 'Mean'}(${window}) block ${block}: TS ${ns(best.ts)}  WASM ${ns(best.wasm)}  x${(best.ts / best.wasm).toFixed(2)}${same ? '' : '  DIFFERENT BITS'}`,
      );
    }
  }
}
