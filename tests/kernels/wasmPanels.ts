/**
 * Panels for the WASM kernels' differential tests: instruments of random
 * kinds (prices at cents, so ties; runs of 0 and -0; steps; +-inf and huge
 * values; sparse series; near-flat series around Rsquare's std tolerance),
 * listed late or delisted early, with NaN runs; and a bit-for-bit
 * comparison that names the first cells that differ.
 */
import type { KernelContext } from '../../operators/kernels/types.js';
import { mulberry32 } from './panels.js';

export const KINDS = ['prices', 'zeros', 'steps', 'wild', 'sparse'] as const;
/** With series whose windows' std is near Rsquare's tolerance (2e-5). */
export const REGRESSION_KINDS = [...KINDS, 'flat', 'flat'] as const;

function value(kind: (typeof REGRESSION_KINDS)[number], rand: () => number, level: number): number {
  const u = rand();
  switch (kind) {
    case 'prices': return u < 0.05 ? NaN : Math.round((10 + 5 * rand()) * 100) / 100;
    case 'zeros': return u < 0.3 ? -0 : u < 0.6 ? 0 : u < 0.8 ? 1 : NaN;
    case 'steps': return u < 0.1 ? NaN : level;
    case 'wild': return u < 0.05 ? Infinity : u < 0.1 ? -Infinity : u < 0.15 ? NaN : u < 0.2 ? (rand() < 0.5 ? 1.7e308 : -1.7e308) : rand() - 0.5;
    case 'sparse': return u < 0.85 ? NaN : Math.round(rand() * 3);
    case 'flat': return u < 0.05 ? NaN : level + Math.round(rand() * 6) * 1e-5;
  }
}

/** N instruments of random kinds and ranges over T days, with NaN runs. */
export function wasmTestPanel(seed: number, T: number, N: number, kinds: readonly (typeof REGRESSION_KINDS)[number][] = KINDS): { ctx: KernelContext; x: Float64Array } {
  const rand = mulberry32(seed);
  const start = new Int32Array(N), end = new Int32Array(N);
  const x = new Float64Array(N * T).fill(NaN);
  for (let i = 0; i < N; i++) {
    const kind = kinds[Math.floor(rand() * kinds.length)]!;
    start[i] = rand() < 0.5 ? 0 : Math.floor(rand() * T);
    end[i] = rand() < 0.5 ? T : start[i]! + Math.floor(rand() * (T - start[i]! + 1));
    let level = Math.round(rand() * 4) / 2;
    let gap = 0;
    for (let t = start[i]!; t < end[i]!; t++) {
      if (rand() < 0.1) level = rand() < 0.2 ? -0 : Math.round(rand() * 4) / 2;
      if (gap > 0 || rand() < 0.03) {
        gap = gap > 0 ? gap - 1 : Math.floor(rand() * 30);
        continue;
      }
      x[i * T + t] = value(kind, rand, level);
    }
  }
  return { ctx: { T, N, start, end, universe: null }, x };
}

export function bitDifferences(expected: Float64Array, actual: Float64Array): string[] {
  const e = new BigUint64Array(expected.buffer), a = new BigUint64Array(actual.buffer);
  const found: string[] = [];
  for (let k = 0; k < e.length && found.length < 3; k++) {
    if (e[k] !== a[k]) found.push(`cell ${k}: expected ${expected[k]} (0x${e[k]!.toString(16)}), got ${actual[k]} (0x${a[k]!.toString(16)})`);
  }
  return found;
}
