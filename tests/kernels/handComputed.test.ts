/**
 * Hand-computed cases for every operator: NaN runs, series that start
 * mid-panel and end early, ties, constant windows, expanding windows,
 * windows longer than the series. Expected numbers are worked out by hand
 * (in comments) or by an obviously-correct naive definition in the test.
 */
import { describe, expect, it } from 'vitest';
import { KERNELS } from '../../operators/kernels/index.js';
import type { KernelArg, KernelContext } from '../../operators/kernels/types.js';
import { OPERATORS } from '../../operators/registry.js';

const _ = NaN;

/** A panel of T days whose instrument i covers days [starts[i], starts[i] + rows[i].length). */
function panel(T: number, starts: number[], lengths: number[], universe: Uint8Array | null = null): KernelContext {
  return {
    T, N: starts.length, universe,
    start: Int32Array.from(starts),
    end: Int32Array.from(starts.map((s, i) => s + lengths[i]!)),
  };
}

/** An N*T series from each instrument's own values (NaN outside its range). */
function series(ctx: KernelContext, rows: number[][]): Float64Array {
  const a = new Float64Array(ctx.N * ctx.T).fill(NaN);
  rows.forEach((row, i) => row.forEach((v, j) => { a[i * ctx.T + ctx.start[i]! + j] = v; }));
  return a;
}

/** Runs a kernel (on garbage-filled output) and returns each instrument's own values; checks NaN outside. */
function run(op: string, ctx: KernelContext, args: KernelArg[]): number[][] {
  const out = new Float64Array(ctx.N * ctx.T).fill(12345);
  KERNELS[op]!(ctx, args, out);
  const rows: number[][] = [];
  for (let i = 0; i < ctx.N; i++) {
    for (let t = 0; t < ctx.T; t++) {
      if (t < ctx.start[i]! || t >= ctx.end[i]!) expect(out[i * ctx.T + t], `${op} outside range i=${i} t=${t}`).toBeNaN();
    }
    rows.push(Array.from(out.subarray(i * ctx.T + ctx.start[i]!, i * ctx.T + ctx.end[i]!)));
  }
  return rows;
}

function expectClose(actual: number[], expected: number[], label = ''): void {
  expect(actual.length, label).toBe(expected.length);
  actual.forEach((a, k) => {
    const e = expected[k]!;
    if (Number.isNaN(e)) expect(a, `${label}[${k}]`).toBeNaN();
    else if (!Number.isFinite(e)) expect(a, `${label}[${k}]`).toBe(e);
    else expect(Math.abs(a - e), `${label}[${k}]: ${a} vs ${e}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(e)));
  });
}

const tested = new Set<string>();

/** Runs op on one mid-panel instrument with series arguments given as own-range values. */
function one(op: string, seriesArgs: number[][], scalars: number[], expected: number[]): void {
  tested.add(op);
  const len = seriesArgs[0]!.length;
  const ctx = panel(len + 3, [2], [len]);
  const args: KernelArg[] = [...seriesArgs.map((v) => series(ctx, [v])), ...scalars];
  expectClose(run(op, ctx, args)[0]!, expected, `${op}(${scalars.join(',')})`);
}

describe('element-wise', () => {
  it('Abs, Sign, Log, Power, Not', () => {
    one('Abs', [[-2, _, 3, -0]], [], [2, _, 3, 0]);
    one('Sign', [[-2, 0, 5, _, -0]], [], [-1, 0, 1, _, 0]);
    one('Log', [[1, Math.E, 0, -1, _]], [], [0, 1, -Infinity, _, _]);
    one('Power', [[4, -8, 2, _]], [0.5], [2, _, Math.SQRT2, _]); // negative base, fractional exponent: NaN
    one('Power', [[-2, 3, _]], [3], [-8, 27, _]);
    one('Power', [[_, 5]], [0], [1, 1]); // numpy: nan ** 0 == 1
    one('Not', [[0, 1, _, -3]], [], [1, 0, 0, 0]); // NaN is truthy
  });
});

describe('pair', () => {
  const a = [1, _, 3, 0, -1];
  const b = [10, 20, _, 0, 4];
  it('arithmetic with series and constants', () => {
    one('Add', [a, b], [], [11, _, _, 0, 3]);
    one('Sub', [a, b], [], [-9, _, _, 0, -5]);
    one('Mul', [a, b], [], [10, _, _, 0, -4]);
    one('Div', [[1, -1, 0, 1], [0, 0, 0, 4]], [], [Infinity, -Infinity, _, 0.25]);
    const ctx = panel(6, [1], [3]);
    const x = series(ctx, [[1, 2, _]]);
    expectClose(run('Sub', ctx, [5, x])[0]!, [4, 3, _], 'const - series');
    expectClose(run('Sub', ctx, [x, 5])[0]!, [-4, -3, _], 'series - const');
    expectClose(run('Div', ctx, [1, x])[0]!, [1, 0.5, _], 'const / series');
    expectClose(run('Add', ctx, [0.5, x])[0]!, [1.5, 2.5, _], 'const + series');
  });
  it('Greater / Less propagate NaN (numpy.maximum/minimum)', () => {
    one('Greater', [[1, _, 3, 5], [2, 2, _, 4]], [], [2, _, _, 5]);
    one('Less', [[1, _, 3, 5], [2, 2, _, 4]], [], [1, _, _, 4]);
  });
  it('comparisons: NaN gives 0, except Ne which gives 1', () => {
    const l = [1, 2, _, 1, _];
    const r = [1, 1, 1, 2, _];
    one('Gt', [l, r], [], [0, 1, 0, 0, 0]);
    one('Ge', [l, r], [], [1, 1, 0, 0, 0]);
    one('Lt', [l, r], [], [0, 0, 0, 1, 0]);
    one('Le', [l, r], [], [1, 0, 0, 1, 0]);
    one('Eq', [l, r], [], [1, 0, 0, 0, 0]);
    one('Ne', [l, r], [], [0, 1, 1, 1, 1]);
  });
  it('And / Or treat non-zero and NaN as true', () => {
    one('And', [[1, 0, _, 2, _], [1, 1, 1, 0, _]], [], [1, 0, 1, 0, 1]);
    one('Or', [[0, 0, _, 0], [0, _, 0, 3]], [], [0, 1, 1, 1]);
    const ctx = panel(5, [0], [4]);
    const x = series(ctx, [[0, 2, _, -1]]);
    expectClose(run('And', ctx, [x, 0])[0]!, [0, 0, 0, 0], 'x & 0');
    expectClose(run('And', ctx, [3, x])[0]!, [0, 1, 1, 1], '3 & x');
    expectClose(run('Or', ctx, [x, 0])[0]!, [0, 1, 1, 1], 'x | 0');
    expectClose(run('Or', ctx, [x, 1])[0]!, [1, 1, 1, 1], 'x | 1');
  });
});

describe('conditional', () => {
  it('If: NaN condition counts as true; constants broadcast', () => {
    one('If', [[1, 0, _, -2], [10, 20, 30, 40], [-1, -2, -3, -4]], [], [10, -2, 30, 40]);
    const ctx = panel(6, [2], [3]);
    const c = series(ctx, [[0, 5, _]]);
    const v = series(ctx, [[7, 8, 9]]);
    expectClose(run('If', ctx, [c, 1, 0])[0]!, [0, 1, 1], 'If(c, 1, 0)');
    expectClose(run('If', ctx, [c, v, -1])[0]!, [-1, 8, 9], 'If(c, v, -1)');
    expectClose(run('If', ctx, [c, -1, v])[0]!, [7, -1, -1], 'If(c, -1, v)');
  });
});

describe('shifts', () => {
  const x = [1, 2, _, 4, 8];
  it('Ref within the own series: back, first value, future', () => {
    one('Ref', [x], [1], [_, 1, 2, _, 4]);
    one('Ref', [x], [2], [_, _, 1, 2, _]);
    one('Ref', [x], [0], [1, 1, 1, 1, 1]);
    one('Ref', [x], [-1], [2, _, 4, 8, _]);
    one('Ref', [x], [-2], [_, 4, 8, _, _]);
    one('Ref', [x], [9], [_, _, _, _, _]);
    one('Ref', [[_, 3]], [0], [_, _]); // first value even if NaN (qlib: series.iloc[0])
  });
  it('Delta', () => {
    one('Delta', [x], [2], [_, _, _, 2, _]);
    one('Delta', [x], [1], [_, 1, _, _, 4]);
    one('Delta', [x], [0], [0, 1, _, 3, 7]);
  });
});

describe('rolling sums and moments', () => {
  const x = [1, 2, _, 4, 8];
  it('Mean, Sum, Count: NaN skipped, partial windows, expanding, all-NaN windows', () => {
    one('Mean', [x], [2], [1, 1.5, 2, 4, 6]);
    one('Mean', [x], [0], [1, 1.5, 1.5, 7 / 3, 15 / 4]);
    one('Mean', [x], [50], [1, 1.5, 1.5, 7 / 3, 15 / 4]); // window longer than the series
    one('Sum', [x], [3], [1, 3, 3, 6, 12]);
    one('Sum', [[_, _, 1, _, _]], [2], [_, _, 1, 1, _]);
    one('Count', [x], [2], [1, 2, 1, 1, 2]);
    one('Count', [[_, _, 1, _, _]], [2], [0, 0, 1, 1, 0]);
    one('Count', [[1, Infinity, 2]], [0], [1, 2, 3]); // pandas' count counts +-inf (notna) ...
    one('Sum', [[1, Infinity, 2]], [0], [1, 1, 3]); // ... while its aggregations treat it as missing
    one('Mean', [[1, Infinity, 3]], [2], [1, 1, 3]);
    one('Mean', [[0.1, 0.1, 0.1, 0.1]], [3], [0.1, 0.1, 0.1, 0.1]); // all-equal window: exactly the value (pandas)
  });
  it('Std and Var (ddof=1)', () => {
    one('Var', [x], [3], [_, 0.5, 0.5, 2, 8]);
    one('Std', [x], [3], [_, Math.SQRT1_2, Math.SQRT1_2, Math.SQRT2, Math.sqrt(8)]);
    one('Var', [[1, 2, 3, 4]], [0], [_, 0.5, 1, 5 / 3]);
    one('Std', [[3.3, 3.3, 3.3, 3.3]], [2], [_, 0, 0, 0]); // constant windows are exactly 0
  });
  it('Skew and Kurt: pandas bias-corrected estimators', () => {
    const skew = (v: number[]): number => {
      const n = v.length, m = v.reduce((s, a) => s + a, 0) / n;
      const m2 = v.reduce((s, a) => s + (a - m) ** 2, 0) / n, m3 = v.reduce((s, a) => s + (a - m) ** 3, 0) / n;
      return (Math.sqrt(n * (n - 1)) / (n - 2)) * (m3 / m2 ** 1.5);
    };
    const kurt = (v: number[]): number => {
      const n = v.length, m = v.reduce((s, a) => s + a, 0) / n;
      const m2 = v.reduce((s, a) => s + (a - m) ** 2, 0) / n, m4 = v.reduce((s, a) => s + (a - m) ** 4, 0) / n;
      return ((n - 1) / ((n - 2) * (n - 3))) * ((n + 1) * (m4 / (m2 * m2) - 3) + 6);
    };
    const y = [1, 2, _, 3, 10, 4];
    one('Skew', [y], [4], [_, _, _, skew([1, 2, 3]), skew([2, 3, 10]), skew([3, 10, 4])]);
    one('Skew', [y], [0], [_, _, _, skew([1, 2, 3]), skew([1, 2, 3, 10]), skew([1, 2, 3, 10, 4])]);
    one('Kurt', [y], [0], [_, _, _, _, kurt([1, 2, 3, 10]), kurt([1, 2, 3, 10, 4])]);
    one('Kurt', [[1, 5, 2, 8, 3]], [4], [_, _, _, kurt([1, 5, 2, 8]), kurt([5, 2, 8, 3])]);
    // all-equal windows: pandas forces skew 0 and kurt -3
    one('Skew', [[2, 2, 2, 2]], [3], [_, _, 0, 0]);
    one('Kurt', [[2, 2, 2, 2, 2]], [4], [_, _, _, -3, -3]);
    const ctx = panel(3, [0], [3]);
    expect(() => run('Skew', ctx, [series(ctx, [[1, 2, 3]]), 2])).toThrow(/window/);
  });
});

describe('rolling extremes', () => {
  it('Max / Min skip NaN; all-NaN window is NaN', () => {
    one('Max', [[3, _, 5, 1, _, _, 0]], [2], [3, 3, 5, 5, 1, _, 0]);
    one('Min', [[3, _, 5, 1, _, _, 0]], [2], [3, 3, 5, 1, 1, _, 0]);
    one('Max', [[3, _, 5, 1]], [0], [3, 3, 5, 5]);
    one('Min', [[3, -Infinity, 5]], [0], [3, 3, 3]); // -inf is missing
  });
  it('IdxMax / IdxMin: first extreme, or the first NaN in the window (numpy argmax)', () => {
    const x = [3, _, 5, 1, 0, 0];
    one('IdxMax', [x], [3], [1, 2, 2, 1, 1, 1]); // [3],[3,N],[3,N,5],[N,5,1],[5,1,0],[1,0,0]
    one('IdxMin', [x], [3], [1, 2, 2, 1, 3, 2]); // ... [5,1,0] -> 3, [1,0,0] -> first 0 at 2
    one('IdxMax', [[2, 2, 1]], [3], [1, 1, 1]);
    one('IdxMax', [[_, _, 4, 1]], [2], [_, _, 1, 1]); // no finite value -> NaN; [N,4] -> NaN at 1
    one('IdxMax', [[1, 3, _, 2]], [0], [1, 2, 3, 3]);
  });
});

describe('rolling order statistics', () => {
  it('Med, Quantile (linear), Rank (pct, average ties)', () => {
    one('Med', [[1, 3, _, 2, 10]], [4], [1, 2, 2, 2, 3]);
    one('Med', [[1, 3, _, 2, 10]], [0], [1, 2, 2, 2, 2.5]);
    one('Quantile', [[3, 1, 2, 4]], [3, 0.25], [3, 1.5, 1.5, 1.5]); // sorted [1,3]: 1 + 0.25*2; [1,2,3]: pos 0.5
    one('Quantile', [[3, 1, 2, 4]], [3, 0], [3, 1, 1, 1]);
    one('Quantile', [[3, 1, 2, 4]], [3, 1], [3, 3, 3, 4]);
    one('Quantile', [[3, 1, _, 2, 4]], [0, 0.5], [3, 2, 2, 2, 2.5]);
    one('Rank', [[1, 1, 2, 1, _, 1]], [3], [1, 0.75, 1, 0.5, _, 0.75]);
    one('Rank', [[5, 4, 6, 4]], [0], [1, 0.5, 1, 0.375]); // [5,4,6,4]: 4s share ranks 1,2 -> 1.5/4
  });
  it('long and expanding windows (rank index) agree with short ones', () => {
    const v = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9];
    const ctx = panel(v.length, [0], [v.length]);
    const x = series(ctx, [v]);
    for (const op of ['Rank', 'Med']) expectClose(run(op, ctx, [x, 100])[0]!, run(op, ctx, [x, 0])[0]!, op);
    const naiveRank = v.map((a, t) => {
      const w = v.slice(Math.max(0, t - 64 + 1), t + 1);
      return (w.filter((b) => b < a).length + (w.filter((b) => b === a).length + 1) / 2) / w.length;
    });
    expectClose(run('Rank', ctx, [x, 64])[0]!, naiveRank, 'Rank(64)');
    expectClose(run('Rank', ctx, [x, 65])[0]!, naiveRank, 'Rank(65)');
  });
  it('Mad: mean absolute deviation around the mean of the finite values', () => {
    one('Mad', [[1, 2, 6, _, 6]], [3], [0, 0.5, 2, 2, 0]); // [1,2,6]: mean 3 -> (2+1+3)/3
    one('Mad', [[1, 2, 6, _, 6]], [0], [0, 0.5, 2, 2, 2.25]); // [1,2,6,6]: mean 3.75 -> (2.75+1.75+2.25+2.25)/4
    one('Mad', [[1, 2, 6, _, 6]], [100], [0, 0.5, 2, 2, 2.25]);
  });
});

describe('rolling regression', () => {
  it('Slope, Resi, Rsquare on positions 1..N, missing days leave gaps', () => {
    // y = 2x - 1 at positions 1, 2, 4 (position 3 missing)
    one('Slope', [[1, 3, _, 7]], [4], [_, 2, 2, 2]);
    one('Resi', [[1, 3, _, 7]], [4], [_, 0, _, 0]);
    one('Rsquare', [[1, 3, _, 7]], [4], [_, 1, 1, 1]);
    // y = [1, 3, 2]: slope 0.5, intercept 1, fitted at x=3 is 2.5, r^2 = 1 / (2 * 2)
    one('Slope', [[1, 3, 2]], [3], [_, 2, 0.5]);
    one('Resi', [[1, 3, 2]], [3], [_, 0, -0.5]);
    one('Rsquare', [[1, 3, 2]], [0], [_, 1, 0.25]);
  });
  it('Rsquare is NaN where the rolling std is within 2e-5 of 0 (not for N=0, as qlib)', () => {
    one('Rsquare', [[1, 1.00001, 1.00002]], [3], [_, _, _]);
    one('Rsquare', [[1, 1.00001, 1.00002]], [0], [_, 1, 1]);
    one('Rsquare', [[4, 4, 4]], [0], [_, _, _]); // constant: 0/0
    one('Slope', [[4, 4, 4]], [3], [_, 0, 0]);
  });
});

describe('weighted averages', () => {
  it('WMA: weights 1..L normalised, then nanmean (so a full window gives sum(w*x)/L)', () => {
    one('WMA', [[1, 2, 3]], [3], [1, (1 / 3 + 4 / 3) / 2, (1 / 6 + 4 / 6 + 9 / 6) / 3]);
    one('WMA', [[1, _, 3]], [3], [1, 1 / 3, (1 / 6 + 9 / 6) / 2]);
    one('WMA', [[_, _, 3]], [2], [_, _, (2 / 3) * 3]);
  });
  it('EMA: span, alpha, expanding; NaN days carry the average', () => {
    one('EMA', [[_, 1, _, 3]], [3], [_, 1, 1, 2.6]); // alpha 0.5: (0.25*1 + 3) / 1.25
    one('EMA', [[_, 1, _, 3]], [0.5], [_, 1, 1, 2.6]);
    one('EMA', [[2, 4, 8]], [1], [2, 4, 8]); // span 1: alpha 1
    one('EMA', [[2, 4]], [0], [2, 3.5]); // L=2: a=1/3, (2/3 + 4) / (4/3)
    // missing days keep their weight in the denominator (nansum): L=2: 2 * (1/3) / (4/3); L=3: a=0.5, weights .25,.5,1
    one('EMA', [[2, _, 4]], [0], [2, 0.5, (0.5 + 4) / 1.75]);
  });
});

describe('pair rolling', () => {
  const pearson = (a: number[], b: number[]): number => {
    const n = a.length, ma = a.reduce((s, v) => s + v, 0) / n, mb = b.reduce((s, v) => s + v, 0) / n;
    let sab = 0, saa = 0, sbb = 0;
    for (let k = 0; k < n; k++) { sab += (a[k]! - ma) * (b[k]! - mb); saa += (a[k]! - ma) ** 2; sbb += (b[k]! - mb) ** 2; }
    return sab / Math.sqrt(saa * sbb);
  };
  it('Cov and Corr over days where both are finite', () => {
    // Cov([1,2,3],[2,4,7]) = ((-1)(-7/3) + 0 + (1)(8/3)) / 2 = 2.5
    one('Cov', [[1, 2, 3, _], [2, 4, 7, 1]], [3], [_, 1, 2.5, 1.5]);
    one('Corr', [[1, 2, 3, 5], [2, 4, 7, 1]], [3], [_, 1, pearson([1, 2, 3], [2, 4, 7]), pearson([2, 3, 5], [4, 7, 1])]);
    one('Corr', [[1, 2, _, 3, 5], [2, 4, 7, 7, 1]], [0], [_, 1, 1, pearson([1, 2, 3], [2, 4, 7]), pearson([1, 2, 3, 5], [2, 4, 7, 1])]);
  });
  it('Corr is NaN where either own rolling std is within 2e-5 of 0; constant pairs give Cov 0', () => {
    one('Corr', [[1, 1, 1, 5], [1, 2, 3, 4]], [3], [_, _, _, pearson([1, 1, 5], [2, 3, 4])]);
    one('Corr', [[1, 1.00001, 1.00002], [1, 2, 4]], [3], [_, _, _]);
    one('Cov', [[3, 3, 3], [1, 2, 4]], [3], [_, 0, 0]);
  });
});

describe('cross-sectional', () => {
  // 4 instruments, 2 days. Day 0: instrument 2 is NaN and instrument 3 is outside the universe.
  const universe = Uint8Array.from([1, 1, 1, 1, 1, 1, 0, 1]);
  const ctx = panel(2, [0, 0, 0, 0], [2, 2, 2, 2], universe);
  const x = series(ctx, [[3, 1], [1, 1], [_, 2], [9, 4]]);
  /** op's output as [day 0 per instrument, day 1 per instrument]. */
  const days = (op: string, extra: KernelArg[] = []): number[][] => {
    tested.add(op);
    const rows = run(op, ctx, [x, ...extra]);
    return [0, 1].map((t) => rows.map((r) => r[t]!));
  };
  const r = Math.SQRT1_2;
  it('CSRank: pct, ties averaged', () => {
    const [d0, d1] = days('CSRank');
    expectClose(d0!, [1, 0.5, _, _]); // members {3, 1}
    expectClose(d1!, [0.375, 0.375, 0.75, 1]); // {1, 1, 2, 4}: the 1s share ranks 1 and 2
  });
  it('CSZScore (ddof=1), CSDemean, CSScale', () => {
    const z = days('CSZScore');
    expectClose(z[0]!, [r, -r, _, _]); // mean 2, std sqrt(2)
    expectClose(z[1]!, [-r, -r, 0, 2 * r]); // mean 2, std sqrt(6/3)
    const d = days('CSDemean');
    expectClose(d[0]!, [1, -1, _, _]);
    expectClose(d[1]!, [-1, -1, 0, 2]);
    const sc = days('CSScale');
    expectClose(sc[0]!, [0.75, 0.25, _, _]);
    expectClose(sc[1]!, [0.125, 0.125, 0.25, 0.5]);
  });
  it('CSWinsorize clips to the linear-interpolated q and 1-q quantiles', () => {
    const w = days('CSWinsorize', [0.25]);
    expectClose(w[0]!, [2.5, 1.5, _, _]); // {1, 3}: quantiles 1.5 and 2.5
    expectClose(w[1]!, [1, 1, 2, 2.5]); // {1, 1, 2, 4}: positions 0.75 -> 1, 2.25 -> 2.5
  });
  it('degenerate days: one member, all equal, all zero', () => {
    const c2 = panel(3, [0, 0], [3, 3], null);
    const y = series(c2, [[5, 2, 0], [_, 2, 0]]);
    const z = run('CSZScore', c2, [y]);
    expectClose([z[0]![0]!, z[0]![1]!, z[1]![1]!], [_, _, _]); // fewer than 2 values; all equal
    const sc = run('CSScale', c2, [y]);
    expectClose([sc[0]![2]!, sc[1]![2]!], [_, _]); // sum |x| = 0
    const rk = run('CSRank', c2, [y]);
    expectClose([rk[0]![0]!, rk[0]![1]!, rk[1]![1]!], [1, 0.75, 0.75]);
    const dm = run('CSDemean', c2, [y]);
    expectClose([dm[0]![0]!, dm[0]![1]!], [0, 0]);
  });
});

it('every operator in the registry has a hand-computed case', () => {
  expect([...OPERATORS.keys()].filter((op) => !tested.has(op))).toEqual([]);
});
