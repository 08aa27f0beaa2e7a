/**
 * The WASM-SIMD windowSums, windowStatistics and regression (two instruments per f64x2,
 * the shorter padded) equal their TypeScript twins bit for bit, NaN payloads included, on panels
 * made to hit every branch: NaN runs (blocks that begin without a value, so
 * the shift moves), +-inf, runs of 0 and -0, constant runs, huge values
 * (sums that overflow to inf and NaN), instruments listed late, delisted
 * early or without any day, odd and even counts, windows shorter and longer
 * than the series, expanding; for the regression also near-flat series around
 * Rsquare's std tolerance.
 */
import { describe, expect, it } from 'vitest';
import { forEachSeriesOf } from '../../operators/kernels/driver.js';
import { type Fits, regressionRange } from '../../operators/kernels/rolling/regression.js';
import { type WindowStatistics, windowStatistics, windowSums } from '../../operators/kernels/rolling/windowSums.js';
import { regressionPanel, windowStatisticsPanel, windowSumsPanel } from '../../operators/kernels/rolling/rollingSumsWasm.js';
import { REGRESSION_KINDS, bitDifferences, wasmTestPanel as panel } from './wasmPanels.js';

describe('WASM windowSums and windowStatistics equal their TypeScript twins bit for bit', () => {
  for (const [seed, T, N] of [[1, 200, 7], [2, 150, 8], [3, 90, 1], [4, 61, 2], [5, 300, 13]] as const) {
    it(`panel seed ${seed}: ${N} instruments x ${T} days`, () => {
      const { ctx, x } = panel(seed, T, N);
      const suffix = new Float64Array(3 * T);
      for (const window of [1, 2, 3, 5, 20, 60, 0, T + 7]) {
        for (const asked of ['sum', 'mean', 'both'] as const) {
          const twin = [new Float64Array(N * T).fill(7), new Float64Array(N * T).fill(7)];
          const simd = [new Float64Array(N * T).fill(7), new Float64Array(N * T).fill(7)];
          const pick = (outs: Float64Array[]) => [asked === 'mean' ? null : outs[0]!, asked === 'sum' ? null : outs[1]!] as const;
          const [ts, tm] = pick(twin), [ws, wm] = pick(simd);
          forEachSeriesOf(ctx, [ts, tm].filter((o) => o !== null), (lo, hi) => windowSums(x, lo, hi, window, ts, tm, lo, suffix));
          windowSumsPanel(ctx, x, window, ws, wm);
          expect(bitDifferences(twin[0]!, simd[0]!), `sums, window ${window}, ${asked}`).toEqual([]);
          expect(bitDifferences(twin[1]!, simd[1]!), `means, window ${window}, ${asked}`).toEqual([]);
        }
      }
    });
  }

  for (const [seed, T, N] of [[6, 200, 7], [7, 150, 8], [8, 61, 1]] as const) {
    it(`windowStatistics (sums, means, variances, deviations), panel seed ${seed}: ${N} instruments x ${T} days`, () => {
      const { ctx, x } = panel(seed, T, N);
      const suffix = new Float64Array(3 * T);
      const asks: (keyof WindowStatistics)[][] = [['sum', 'mean', 'variance', 'std'], ['variance'], ['std'], ['mean', 'std'], ['sum', 'variance']];
      for (const window of [1, 2, 3, 5, 20, 60, 0, T + 7]) {
        for (const asked of asks) {
          const make = (): WindowStatistics => {
            const o = (k: keyof WindowStatistics) => (asked.includes(k) ? new Float64Array(N * T).fill(7) : null);
            return { sum: o('sum'), mean: o('mean'), variance: o('variance'), std: o('std') };
          };
          const twin = make(), simd = make();
          const written = Object.values(twin).filter((o): o is Float64Array => o !== null);
          forEachSeriesOf(ctx, written, (lo, hi) => windowStatistics(x, lo, hi, window, twin, lo, suffix));
          windowStatisticsPanel(ctx, x, window, simd);
          for (const k of asked) expect(bitDifferences(twin[k]!, simd[k]!), `${k}, window ${window}, asked ${asked.join('+')}`).toEqual([]);
        }
      }
    });
  }

  for (const [seed, T, N] of [[9, 200, 9], [10, 150, 8], [11, 61, 1], [12, 300, 14]] as const) {
    it(`regression (slopes, r-squares, residuals), panel seed ${seed}: ${N} instruments x ${T} days`, () => {
      const { ctx, x } = panel(seed, T, N, REGRESSION_KINDS);
      const suffix = new Float64Array(6 * T);
      const asks: (keyof Fits)[][] = [['slope', 'rsquare', 'resi'], ['slope'], ['rsquare'], ['resi'], ['slope', 'rsquare'], ['slope', 'resi'], ['rsquare', 'resi']];
      for (const window of [1, 2, 3, 5, 20, 60, 0, T + 7]) {
        for (const asked of asks) {
          const make = (): Fits => {
            const o = (k: keyof Fits) => (asked.includes(k) ? new Float64Array(N * T).fill(7) : null);
            return { slope: o('slope'), rsquare: o('rsquare'), resi: o('resi') };
          };
          const twin = make(), simd = make();
          const written = Object.values(twin).filter((o): o is Float64Array => o !== null);
          forEachSeriesOf(ctx, written, (lo, hi) => regressionRange(x, lo, hi, window, twin, suffix));
          regressionPanel(ctx, x, window, simd.slope, simd.rsquare, simd.resi);
          for (const k of asked) expect(bitDifferences(twin[k]!, simd[k]!), `${k}, window ${window}, asked ${asked.join('+')}`).toEqual([]);
        }
      }
    });
  }

  it('the regression panels reach windows on both sides of the std tolerance', () => {
    const { ctx, x } = panel(12, 300, 14, REGRESSION_KINDS);
    const cells = ctx.N * ctx.T;
    const rsquare = new Float64Array(cells), std = new Float64Array(cells);
    regressionPanel(ctx, x, 20, null, rsquare, null);
    windowStatisticsPanel(ctx, x, 20, { sum: null, mean: null, variance: null, std });
    const near = (lo: number, hi: number, r2: (v: number) => boolean) => std.some((s, k) => s > lo && s <= hi && r2(rsquare[k]!));
    expect(near(0, 1.9e-5, Number.isNaN)).toBe(true); // NaN by the tolerance alone
    expect(near(2.1e-5, 4e-5, Number.isFinite)).toBe(true);
  });

  it('the panels reach the cases they are made for', () => {
    const { ctx, x } = panel(5, 300, 13);
    const sum = new Float64Array(ctx.N * ctx.T);
    windowSumsPanel(ctx, x, 5, sum, null);
    const lengths = new Set(Array.from(ctx.end, (e, i) => e - ctx.start[i]!));
    expect(lengths.size).toBeGreaterThan(5); // pairs of different lengths
    expect(sum.some((v) => Object.is(v, -0))).toBe(true);
    expect(sum.some((v) => Math.abs(v) === Infinity)).toBe(true); // overflowing sums
    expect(sum.some((v, k) => Number.isNaN(v) && Number.isFinite(x[k]!))).toBe(true); // inf - inf
  });
});
