/**
 * The kernel benchmarks' synthetic panel: prices rounded to cents (so ties
 * occur), suspensions as NaN runs, instruments listed or delisted mid-panel;
 * from a fixed seed, so runs are comparable.
 */

import type { KernelContext } from '../operators/kernels/types.js';
import { mulberry32 } from '../agents/mulberry32.js';

export function makePanel(T: number, N: number): { ctx: KernelContext; close: Float64Array; volume: Float64Array; ret: Float64Array } {
  const rand = mulberry32(42);
  const start = new Int32Array(N), end = new Int32Array(N);
  const close = new Float64Array(N * T).fill(NaN);
  const volume = new Float64Array(N * T).fill(NaN);
  const ret = new Float64Array(N * T).fill(NaN);
  const universe = new Uint8Array(N * T);
  for (let i = 0; i < N; i++) {
    start[i] = rand() < 0.3 ? Math.floor(rand() * T * 0.5) : 0;
    end[i] = rand() < 0.1 ? Math.floor(T * (0.6 + 0.4 * rand())) : T;
    let p = 5 + 50 * rand();
    let suspended = 0;
    for (let t = start[i]!; t < end[i]!; t++) {
      const k = i * T + t;
      if (suspended > 0 || rand() < 0.002) {
        suspended = suspended > 0 ? suspended - 1 : Math.floor(rand() * 20);
        continue;
      }
      const r = (rand() - 0.5) * 0.04;
      p *= 1 + r;
      close[k] = Math.round(p * 100) / 100;
      volume[k] = Math.round(1e6 * (0.5 + rand()));
      ret[k] = r;
      universe[k] = rand() < 0.4 ? 1 : 0;
    }
  }
  return { ctx: { T, N, start, end, universe }, close, volume, ret };
}
