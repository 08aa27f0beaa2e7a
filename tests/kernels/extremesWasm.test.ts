/**
 * The WASM rolling extremes (Max, Min, IdxMax, IdxMin families, two
 * instruments per f64x2) equal the TypeScript twin bit for bit, NaN payloads and zeros'
 * signs included: ties (prices at cents, steps, 0 and -0 runs, where the
 * first extreme's own value decides the sign), NaN runs and +-inf (missing:
 * IdxMax points at a window's first missing day), sparse series, instruments
 * listed late or delisted early, odd and even counts; every mix of asked
 * outputs over several windows at once (Alpha158's 5..60), expanding, and
 * longer than the series.
 */
import { describe, expect, it } from 'vitest';
import { MAX_FAMILY, MAX_FAMILY_TWIN, MIN_FAMILY, MIN_FAMILY_TWIN } from '../../operators/kernels/rolling/extremes.js';
import type { KernelFamily } from '../../operators/kernels/types.js';
import { bitDifferences, wasmTestPanel } from './wasmPanels.js';

const WINDOW_SETS = [[5, 10, 20, 30, 60], [1, 2, 3], [7], [0], [3, 4, 7, 0], [2, 5, 9, 400]];
const ASKS = [['value', 'position'], ['value'], ['position']] as const;

describe('WASM rolling extremes equal the TypeScript twin bit for bit', () => {
  for (const [seed, T, N] of [[41, 200, 9], [42, 150, 8], [43, 90, 1], [44, 300, 14]] as const) {
    it(`panel seed ${seed}: ${N} instruments x ${T} days`, () => {
      const { ctx, x } = wasmTestPanel(seed, T, N);
      const families: [string, KernelFamily, KernelFamily, string, string][] = [
        ['max', MAX_FAMILY, MAX_FAMILY_TWIN, 'Max', 'IdxMax'],
        ['min', MIN_FAMILY, MIN_FAMILY_TWIN, 'Min', 'IdxMin'],
      ];
      for (const [name, wasm, twin, valueOp, positionOp] of families) {
        for (const windows of WINDOW_SETS) {
          for (const ask of ASKS) {
            // the largest window asks what `ask` says, the others their positions only
            const requests = (fill: number) => windows.flatMap((w, k) => {
              const ops = k === windows.length - 1 || windows.length === 1 ? ask.map((a) => (a === 'value' ? valueOp : positionOp)) : [positionOp];
              return ops.map((op) => ({ op, params: [w], out: new Float64Array(N * T).fill(fill) }));
            });
            const expected = requests(7), actual = requests(7);
            twin.kernel(ctx, [x], expected);
            wasm.kernel(ctx, [x], actual);
            expected.forEach((r, k) => expect(bitDifferences(r.out, actual[k]!.out), `${name}: ${r.op}(${r.params[0]}) of windows ${windows.join(',')}`).toEqual([]));
          }
        }
      }
    });
  }

  it('the panels reach the cases they are made for', () => {
    const { ctx, x } = wasmTestPanel(44, 300, 14);
    const cells = ctx.N * ctx.T;
    const max = new Float64Array(cells), idx = new Float64Array(cells), min20 = new Float64Array(cells);
    MAX_FAMILY.kernel(ctx, [x], [{ op: 'Max', params: [5], out: max }, { op: 'IdxMax', params: [5], out: idx }]);
    MIN_FAMILY.kernel(ctx, [x], [{ op: 'Min', params: [20], out: min20 }]);
    expect(max.some((v) => Object.is(v, -0))).toBe(true);
    expect(min20.some((v) => Object.is(v, -0))).toBe(true);
    // IdxMax pointing at a missing day (numpy's argmax of a window holding NaN), next to a finite maximum
    let atMissing = false;
    for (let i = 0; i < ctx.N; i++) {
      for (let t = ctx.start[i]!; t < ctx.end[i]!; t++) {
        const k = i * ctx.T + t, first = i * ctx.T + Math.max(t - 4, ctx.start[i]!);
        if (Number.isFinite(max[k]!) && !Number.isFinite(x[first + idx[k]! - 1]!)) atMissing = true;
      }
    }
    expect(atMissing).toBe(true);
  });
});
