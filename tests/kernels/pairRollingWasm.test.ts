/**
 * The engine's Cov and Corr (pairRange in WASM, two instruments per f64x2,
 * redone with the exact marking, also in WASM, where the BOUNDED flatness test cannot
 * decide) equal the TypeScript twin pairPanel bit for bit, NaN payloads
 * included: on instruments whose two series are missing on the same days
 * (SAME_DAYS) and on different days (BOUNDED, and MARKED after it), with
 * near-flat series around Corr's std tolerance, runs of 0 and -0, constant
 * runs, +-inf and huge values, instruments listed late or delisted early,
 * odd and even counts, windows shorter and longer than the series, expanding.
 */
import { describe, expect, it } from 'vitest';
import { Corr, Cov, pairPanel } from '../../operators/kernels/pairRolling.js';
import { pairRangePanel } from '../../operators/kernels/pairRollingWasm.js';
import type { KernelContext } from '../../operators/kernels/types.js';
import { mulberry32 } from './panels.js';
import { REGRESSION_KINDS, bitDifferences, wasmTestPanel } from './wasmPanels.js';

/** Series a and b on a's instruments: b finite exactly where a is on about half of them, on its own days elsewhere. */
function pairData(seed: number, T: number, N: number): { ctx: KernelContext; a: Float64Array; b: Float64Array; sameDays: boolean[] } {
  const { ctx, x: a } = wasmTestPanel(seed, T, N, REGRESSION_KINDS);
  const { x: other } = wasmTestPanel(seed + 1000, T, N, REGRESSION_KINDS);
  const rand = mulberry32(seed + 2000);
  const b = new Float64Array(N * T).fill(NaN);
  const sameDays: boolean[] = [];
  for (let i = 0; i < N; i++) {
    const same = rand() < 0.5;
    sameDays.push(same);
    for (let k = i * T; k < (i + 1) * T; k++) {
      const v = other[k]!;
      // where a is missing the other series is often present: the paired days differ from each own days
      b[k] = !same ? (Number.isFinite(v) ? v : Math.round(rand() * 8) / 4) : Number.isFinite(a[k]!) ? (Number.isFinite(v) ? v : 0.5) : NaN;
    }
  }
  return { ctx, a, b, sameDays };
}

describe('WASM Cov and Corr equal pairPanel bit for bit', () => {
  for (const [seed, T, N] of [[31, 200, 9], [32, 150, 8], [33, 90, 1], [34, 300, 14], [35, 61, 2]] as const) {
    it(`panel seed ${seed}: ${N} instruments x ${T} days`, () => {
      const { ctx, a, b } = pairData(seed, T, N);
      for (const window of [1, 2, 3, 5, 10, 20, 60, 0, T + 7]) {
        for (const [name, kernel, corr] of [['Cov', Cov, false], ['Corr', Corr, true]] as const) {
          const twin = new Float64Array(N * T).fill(7), wasm = new Float64Array(N * T).fill(7);
          pairPanel(ctx, a, b, twin, window, corr);
          kernel(ctx, [a, b, window], wasm);
          expect(bitDifferences(twin, wasm), `${name}, window ${window}`).toEqual([]);
          // and with the arguments swapped (the flatness test reads both series)
          pairPanel(ctx, b, a, twin, window, corr);
          kernel(ctx, [b, a, window], wasm);
          expect(bitDifferences(twin, wasm), `${name}(b, a), window ${window}`).toEqual([]);
        }
      }
    });
  }

  it('the panels reach every flatness path', () => {
    const { ctx, a, b, sameDays } = pairData(34, 300, 14);
    const cells = ctx.N * ctx.T;
    const bounded = Uint8Array.from(sameDays, (same) => (same ? 0 : 1));
    expect(pairRangePanel(ctx, a, b, new Float64Array(cells), 20, true, bounded).length).toBeGreaterThan(0); // MARKED after BOUNDED
    const corr = new Float64Array(cells);
    Corr(ctx, [a, b, 20], corr);
    const decided = pairRangePanel(ctx, a, b, new Float64Array(cells), 20, true, new Uint8Array(ctx.N));
    expect(decided).toEqual([]); // SAME_DAYS never gives up
    // SAME_DAYS instruments with a flat window (NaN) next to a defined one
    const flatAndNot = sameDays.some((same, i) => same && corr.subarray(i * ctx.T, (i + 1) * ctx.T).some(Number.isNaN) && corr.subarray(i * ctx.T, (i + 1) * ctx.T).some(Number.isFinite));
    expect(flatAndNot).toBe(true);
  });
});
