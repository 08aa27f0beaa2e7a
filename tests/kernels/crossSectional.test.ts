/**
 * The cross-sectional kernels against a straightforward reference (each
 * day's members gathered in instrument order, the same arithmetic), bit for
 * bit, on panels wide enough to exercise what small panels do not: a day of
 * hundreds of values in every shape the ranking sort treats differently
 * (near-normal, skewed, heavy ties, -0 and 0, magnitudes near the float
 * limits, subnormals), NaN runs, ±Infinity, instruments starting mid-panel
 * and ending early, a point-in-time universe, and panels longer than one
 * block of days.
 */
import { describe, expect, it } from 'vitest';
import { KERNELS } from '../../operators/kernels/index.js';
import type { KernelArg, KernelContext } from '../../operators/kernels/types.js';
import { mulberry32 } from './panels.js';

type DayReference = (values: number[], extra: number) => number[];

const quantile = (sorted: Float64Array, q: number): number => {
  const position = q * (sorted.length - 1);
  const k = Math.floor(position);
  if (k === position) return sorted[k]!;
  return sorted[k]! + (sorted[k + 1]! - sorted[k]!) * (position - k);
};
const meanOf = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const constant = (v: number[]): boolean => Math.min(...v) === Math.max(...v);

const REFERENCE: Record<string, DayReference> = {
  CSRank: (v) => v.map((x) => (v.filter((y) => y < x).length + v.filter((y) => y <= x).length + 1) / 2 / v.length),
  CSZScore: (v) => {
    if (v.length < 2 || constant(v)) return v.map(() => NaN);
    const mean = meanOf(v);
    const std = Math.sqrt(v.reduce((s, x) => s + (x - mean) * (x - mean), 0) / (v.length - 1));
    return v.map((x) => (x - mean) / std);
  },
  CSDemean: (v) => {
    const mean = meanOf(v);
    return v.map((x) => (constant(v) ? 0 : x - mean));
  },
  CSScale: (v) => {
    const total = v.reduce((s, x) => s + Math.abs(x), 0);
    return v.map((x) => (total === 0 ? NaN : x / total));
  },
  CSWinsorize: (v, q) => {
    const sorted = Float64Array.from(v).sort(); // -0 before 0, as the kernel's typed-array sort
    const low = quantile(sorted, q), high = quantile(sorted, 1 - q);
    return v.map((x) => (x < low ? low : x > high ? high : x));
  },
};

function reference(op: string, ctx: KernelContext, x: Float64Array, extra: number): Float64Array {
  const { T, N, start, end, universe } = ctx;
  const out = new Float64Array(N * T).fill(NaN);
  for (let t = 0; t < T; t++) {
    const members: number[] = [];
    for (let i = 0; i < N; i++) {
      const v = x[i * T + t]!;
      if (t >= start[i]! && t < end[i]! && Number.isFinite(v) && (universe === null || universe[i * T + t] === 1)) members.push(i);
    }
    if (members.length === 0) continue;
    const results = REFERENCE[op]!(members.map((i) => x[i * T + t]!), extra);
    members.forEach((i, k) => (out[i * T + t] = results[k]!));
  }
  return out;
}

/** Day values of one shape for instrument i on day t. */
type Shape = (rand: () => number, i: number, t: number) => number;

const SHAPES: Record<string, Shape> = {
  normal: (rand) => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand()),
  // log-normal prices and volumes: skewed, beyond the insertion sort's budget
  skewed: (rand) => Math.exp(3 * Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand())),
  ties: (rand) => Math.floor(rand() * 5) / 2,
  signedZeros: (rand) => (rand() < 0.5 ? (rand() < 0.5 ? -0 : 0) : rand() - 0.5),
  huge: (rand) => (rand() - 0.5) * 1.7e308,
  subnormal: (rand) => Math.floor(rand() * 1000) * 5e-324,
  // one instrument far out: the rest crowd one bucket
  outlier: (rand, i) => (i === 7 ? 1e12 : rand()),
  constant: () => 3.25,
  infinities: (rand) => (rand() < 0.05 ? Infinity : rand() < 0.05 ? -Infinity : rand()),
};

function widePanel(seed: number, T: number, N: number, shape: Shape, withUniverse: boolean): { ctx: KernelContext; x: Float64Array } {
  const rand = mulberry32(seed);
  const start = new Int32Array(N), end = new Int32Array(N);
  const x = new Float64Array(N * T).fill(NaN);
  const universe = withUniverse ? new Uint8Array(N * T) : null;
  for (let i = 0; i < N; i++) {
    start[i] = rand() < 0.7 ? 0 : Math.floor(rand() * T * 0.5);
    end[i] = rand() < 0.7 ? T : Math.max(start[i]!, T - Math.floor(rand() * T * 0.5));
    let gap = 0;
    for (let t = start[i]!; t < end[i]!; t++) {
      if (universe !== null) universe[i * T + t] = rand() < 0.8 ? 1 : 0;
      if (gap > 0 || rand() < 0.03) {
        gap = gap > 0 ? gap - 1 : Math.floor(rand() * 10);
        continue;
      }
      x[i * T + t] = shape(rand, i, t);
    }
    // garbage outside the range, which kernels must not read
    for (let t = 0; t < T; t++) if (t < start[i]! || t >= end[i]!) x[i * T + t] = 1e9 + t;
  }
  return { ctx: { T, N, start, end, universe }, x };
}

describe('cross-sectional kernels match the reference bit for bit', () => {
  const cases: [string, number][] = [['CSRank', 0], ['CSZScore', 0], ['CSDemean', 0], ['CSScale', 0], ['CSWinsorize', 0.05], ['CSWinsorize', 0.25]];
  for (const [shapeName, shape] of Object.entries(SHAPES)) {
    it(shapeName, () => {
      let seed = 1;
      for (const [N, T] of [[300, 75], [37, 5], [1, 40]] as const) {
        for (const withUniverse of [true, false]) {
          const { ctx, x } = widePanel(seed++, T, N, shape, withUniverse);
          for (const [op, extra] of cases) {
            const args: KernelArg[] = op === 'CSWinsorize' ? [x, extra] : [x];
            const out = new Float64Array(N * T).fill(-7); // garbage on entry
            KERNELS[op]!(ctx, args, out);
            const expected = reference(op, ctx, x, extra);
            const wrong: string[] = [];
            for (let k = 0; k < out.length && wrong.length < 5; k++) {
              if (!Object.is(out[k], expected[k])) wrong.push(`${op} i=${Math.floor(k / T)} t=${k % T}: ${out[k]} vs ${expected[k]}`);
            }
            expect(wrong, `${op} N=${N} T=${T} universe=${withUniverse}`).toEqual([]);
          }
        }
      }
    });
  }
});
