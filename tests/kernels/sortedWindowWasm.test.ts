/**
 * The WASM sorted window (Rank, Quantile, Med over windows up to
 * SMALL_WINDOW) equals its TypeScript twin slideSorted bit for bit, NaN
 * payloads and zeros' signs included, on panels with ties (prices at
 * cents, steps), runs mixing 0 and -0 (where the slot a value takes among
 * equals decides the sign a quantile returns), +-inf and huge values (never
 * held), sparse series, NaN runs, instruments listed late or delisted
 * early; every window up to SMALL_WINDOW's neighbourhood, every kind of
 * request alone and together, quantile levels on and between order
 * statistics.
 */
import { describe, expect, it } from 'vitest';
import { forEachSeriesOf } from '../../operators/kernels/driver.js';
import { MEDIAN_KIND, QUANTILE_KIND, RANK_KIND, SMALL_WINDOW, slideSorted } from '../../operators/kernels/rolling/orderStatistics.js';
import { SortedWindow } from '../../operators/kernels/rolling/sortedWindow.js';
import { slideSortedPanel } from '../../operators/kernels/rolling/sortedWindowWasm.js';
import { bitDifferences, wasmTestPanel } from './wasmPanels.js';

const ASKS: { readonly name: string; readonly kinds: number[]; readonly levels: number[] }[] = [
  { name: 'Rank', kinds: [RANK_KIND], levels: [0] },
  { name: 'Med', kinds: [MEDIAN_KIND], levels: [0] },
  { name: 'Quantile 0.8 and 0.2 with Rank (Alpha158)', kinds: [RANK_KIND, QUANTILE_KIND, QUANTILE_KIND], levels: [0, 0.8, 0.2] },
  { name: 'Quantile 0, 1/3, 0.5, 1', kinds: [QUANTILE_KIND, QUANTILE_KIND, QUANTILE_KIND, QUANTILE_KIND], levels: [0, 1 / 3, 0.5, 1] },
  { name: 'Med, Rank and Quantile 0.9', kinds: [MEDIAN_KIND, RANK_KIND, QUANTILE_KIND], levels: [0, 0, 0.9] },
];

describe('WASM sorted window equals slideSorted bit for bit', () => {
  for (const [seed, T, N] of [[21, 200, 9], [22, 150, 8], [23, 90, 1], [24, 300, 13]] as const) {
    it(`panel seed ${seed}: ${N} instruments x ${T} days`, () => {
      const { ctx, x } = wasmTestPanel(seed, T, N);
      const sorted = new SortedWindow(SMALL_WINDOW);
      for (const window of [1, 2, 3, 4, 5, 10, 20, 30, 60, SMALL_WINDOW - 1, SMALL_WINDOW]) {
        for (const ask of ASKS) {
          const kinds = Int32Array.from(ask.kinds), levels = Float64Array.from(ask.levels);
          const twin = ask.kinds.map(() => new Float64Array(N * T).fill(7));
          const wasm = ask.kinds.map(() => new Float64Array(N * T).fill(7));
          forEachSeriesOf(ctx, twin, (lo, hi) => slideSorted(x, lo, hi, window, sorted, kinds, levels, twin));
          slideSortedPanel(ctx, x, window, kinds, levels, wasm);
          twin.forEach((out, j) => expect(bitDifferences(out, wasm[j]!), `${ask.name}: output ${j}, window ${window}`).toEqual([]));
        }
      }
    });
  }

  it('the twin holds exactly its days\' values, zeros\' signs included: quantiles equal a stable sort of the window, bit for bit', () => {
    const { ctx, x } = wasmTestPanel(25, 200, 12);
    const sorted = new SortedWindow(SMALL_WINDOW);
    const levels = [0, 0.2, 0.5, 0.8, 1];
    for (const window of [2, 3, 5, 20]) {
      const outs = levels.map(() => new Float64Array(ctx.N * ctx.T));
      forEachSeriesOf(ctx, outs, (lo, hi) => slideSorted(x, lo, hi, window, sorted, Int32Array.from(levels, () => QUANTILE_KIND), Float64Array.from(levels), outs));
      let mismatches = 0, zeros = 0;
      for (let i = 0; i < ctx.N; i++) {
        const lo = i * ctx.T + ctx.start[i]!, hi = i * ctx.T + ctx.end[i]!;
        for (let t = lo; t < hi; t++) {
          // Array.prototype.sort is stable: equal values (0 and -0) keep their days' order
          const held = Array.from(x.subarray(Math.max(lo, t - window + 1), t + 1)).filter(Number.isFinite).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
          levels.forEach((q, j) => {
            const n = held.length;
            const position = q * (n - 1), k = Math.floor(position);
            const expected = n === 0 ? NaN : k === position ? held[k]! : held[k]! + (held[k + 1]! - held[k]!) * (position - k);
            if (!Object.is(expected, outs[j]![t]!)) mismatches++;
            if (Object.is(expected, -0)) zeros++;
          });
        }
      }
      expect(mismatches, `window ${window}`).toBe(0);
      expect(zeros, `window ${window}: -0 answers occur`).toBeGreaterThan(0);
    }
  });

  it('the panels reach the cases they are made for', () => {
    const { ctx, x } = wasmTestPanel(24, 300, 13);
    const cells = ctx.N * ctx.T;
    const rank = new Float64Array(cells), low = new Float64Array(cells), median = new Float64Array(cells);
    slideSortedPanel(ctx, x, 5, Int32Array.from([RANK_KIND, QUANTILE_KIND, MEDIAN_KIND]), Float64Array.from([0, 0.2, 0]), [rank, low, median]);
    // ties: a rank that is not a multiple of 1/n's whole steps, i.e. an average of tied positions
    expect(rank.some((r, k) => Number.isFinite(r) && !Number.isInteger(r * 5) && !Number.isInteger(r * 4) && !Number.isInteger(r * 3) && Number.isFinite(x[k]!))).toBe(true);
    expect(low.some((v) => Object.is(v, -0))).toBe(true);
    expect(low.some((v) => Object.is(v, 0))).toBe(true);
    expect(median.some((v) => Object.is(v, -0))).toBe(true);
    // inf never held: today's value infinite gives no rank
    expect(rank.some((r, k) => Number.isNaN(r) && Math.abs(x[k]!) === Infinity)).toBe(true);
  });
});
