/**
 * Corr's flatness test decided from a lower bound on each series' own
 * variance (pairRolling.ts, BOUNDED) gives the same bits as marking the flat
 * days from each series' own rolling std, on series missing on different
 * days, including near-flat stretches where the bound cannot decide.
 */
import { describe, expect, it } from 'vitest';
import { KERNELS } from '../../operators/kernels/index.js';
import { markedCorr, pairScratch } from '../../operators/kernels/pairRolling.js';
import type { KernelContext } from '../../operators/kernels/types.js';
import { bitDifferences } from '../engine/helpers.js';
import { mulberry32, randomPanel } from './panels.js';

/** Corr instrument by instrument with the flat days always marked. */
function marked(ctx: KernelContext, a: Float64Array, b: Float64Array, window: number): Float64Array {
  const out = new Float64Array(ctx.N * ctx.T).fill(NaN);
  const scratch = pairScratch(ctx);
  for (let i = 0; i < ctx.N; i++) {
    const lo = i * ctx.T + ctx.start[i]!, hi = i * ctx.T + ctx.end[i]!;
    if (hi > lo) markedCorr(a, b, out, lo, hi, window, scratch);
  }
  return out;
}

/** `x` with extra NaN runs of its own, so that it is missing on other days than its partner. */
function withGaps(x: Float64Array, seed: number): Float64Array {
  const rand = mulberry32(seed);
  const out = Float64Array.from(x);
  for (let k = 0; k < out.length; k++) {
    if (rand() < 0.03) for (let run = Math.floor(rand() * 4); run >= 0 && k < out.length; run--) out[k++] = NaN;
  }
  return out;
}

/** 1 plus tiny steps: own stds around STD_TOLERANCE (2e-5), where the bound cannot decide. */
function nearFlat(x: Float64Array, seed: number): Float64Array {
  const rand = mulberry32(seed);
  return x.map((v) => (Number.isFinite(v) ? 1 + Math.round(rand() * 4) * 1e-5 * (rand() < 0.5 ? 1 : 0.25) : v));
}

describe('Corr on series missing on different days', () => {
  const { ctx, series } = randomPanel(11, 400, 8);
  const pairs: [string, Float64Array, Float64Array][] = [
    ['price / ret with gaps', series.price!, withGaps(series.ret!, 1)],
    ['volume with gaps / flag', withGaps(series.volume!, 2), series.flag!],
    ['wild / steps with gaps', series.wild!, withGaps(series.steps!, 3)],
    ['near-flat with gaps / price', withGaps(nearFlat(series.price!, 4), 5), series.price!],
    ['near-flat / near-flat with gaps', nearFlat(series.ret!, 6), withGaps(nearFlat(series.ret!, 7), 8)],
  ];
  for (const [name, a, b] of pairs) {
    it(`${name}: the kernel equals marked flatness at every window`, () => {
      for (const window of [2, 3, 5, 20, 60, 0, 1000]) {
        const out = new Float64Array(ctx.N * ctx.T).fill(7);
        KERNELS.Corr!(ctx, [a, b, window], out);
        expect(bitDifferences(marked(ctx, a, b, window), out), `window ${window}`).toEqual([]);
      }
    });
  }
});
