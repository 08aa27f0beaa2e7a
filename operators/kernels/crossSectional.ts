/**
 * Cross-sectional kernels (ours; qlib has none): each day, over the
 * instruments that are universe members that day (all when the universe is
 * null) and have a finite value. Everyone else gets NaN.
 *
 * Data is instrument-major, so a day's cross-section is strided by T. Days
 * are processed in blocks: each instrument's run of DAY_BLOCK consecutive
 * days is read at once into day-major scratch, which keeps memory access
 * sequential instead of touching a new cache line (and page) per value.
 */

import { RankScratch, sortForRanks } from './ranking.js';
import { levelArg, scratchF64, scratchI32, seriesArg } from './driver.js';
import type { Kernel, KernelArg, KernelContext } from './types.js';

const DAY_BLOCK = 64;

/**
 * One day's computation: values[from .. from+n) are the day's members'
 * values; write each one's result to results at the same index.
 */
type DayBody = (values: Float64Array, from: number, n: number, results: Float64Array) => void;

function crossSection(ctx: KernelContext, x: Float64Array, out: Float64Array, body: DayBody): void {
  const { T, N, start, end, universe } = ctx;
  out.fill(NaN);
  const values = scratchF64('cs.values', DAY_BLOCK * N);
  const results = scratchF64('cs.results', DAY_BLOCK * N);
  const owners = scratchI32('cs.owners', DAY_BLOCK * N);
  const counts = scratchI32('cs.counts', DAY_BLOCK);
  for (let d0 = 0; d0 < T; d0 += DAY_BLOCK) {
    const d1 = Math.min(d0 + DAY_BLOCK, T);
    counts.fill(0, 0, DAY_BLOCK);
    for (let i = 0; i < N; i++) {
      const base = i * T;
      const s = Math.max(start[i]!, d0), e = Math.min(end[i]!, d1);
      for (let t = s; t < e; t++) {
        const v = x[base + t]!;
        if (!Number.isFinite(v) || (universe !== null && universe[base + t] !== 1)) continue;
        const slot = (t - d0) * N + counts[t - d0]!++;
        values[slot] = v;
        owners[slot] = i;
      }
    }
    for (let t = d0; t < d1; t++) {
      const from = (t - d0) * N, n = counts[t - d0]!;
      if (n === 0) continue;
      body(values, from, n, results);
      for (let j = from; j < from + n; j++) out[owners[j]! * T + t] = results[j]!;
    }
  }
}

function csKernel(op: string, makeBody: (args: readonly KernelArg[], N: number) => DayBody): Kernel {
  return (ctx, args, out) => {
    const x = seriesArg(ctx, args, 0, op);
    crossSection(ctx, x, out, makeBody(args, ctx.N));
  };
}

/** The day's values sorted ascending in scratch. */
function sortedCopy(values: Float64Array, from: number, n: number, N: number): Float64Array {
  const sorted = scratchF64('cs.sorted', N).subarray(0, n);
  sorted.set(values.subarray(from, from + n));
  return sorted.sort();
}

/**
 * pandas rank(pct=True), ties averaged: (less + lessOrEqual + 1) / 2 / n.
 * The day is sorted with the slot of each value (the metrics' distribution
 * sort, which a day of a few hundred values costs a few linear passes), and
 * a run of ties at sorted positions [a, b) has a less and b lessOrEqual.
 */
export const CSRank = csKernel('CSRank', (_args, N) => {
  const scratch = rankScratch(N);
  const keys = scratchF64('cs.keys', N);
  const order = scratchI32('cs.order', N);
  return (values, from, n, results) => {
    const day = values.subarray(from, from + n);
    // sortForRanks' hints (any numbers sort correctly): the mean, and for the
    // spread 1.25 mean absolute deviations (the standard deviation of normal
    // values), which a few outliers (prices, volumes) inflate less than the
    // standard deviation: the bulk is spread over more buckets.
    let sum = 0, deviations = 0;
    for (let j = 0; j < n; j++) sum += day[j]!;
    const mean = sum / n;
    for (let j = 0; j < n; j++) deviations += Math.abs(day[j]! - mean);
    sortForRanks(day, n, mean, (1.25 * deviations) / n, keys, order, scratch);
    let a = 0;
    while (a < n) {
      const v = keys[a]!;
      let b = a + 1;
      while (b < n && keys[b] === v) b++;
      const rank = (a + b + 1) / 2 / n;
      for (let p = a; p < b; p++) results[from + order[p]!] = rank;
      a = b;
    }
  };
});

let sharedRankScratch: RankScratch | null = null;

function rankScratch(N: number): RankScratch {
  if (sharedRankScratch === null || sharedRankScratch.capacity < N) sharedRankScratch = new RankScratch(N);
  return sharedRankScratch;
}

/** Mean, and whether all values are equal (then deviations are exactly 0, whatever the mean's rounding). */
function meanOf(values: Float64Array, from: number, n: number): { mean: number; constant: boolean } {
  let sum = 0, min = Infinity, max = -Infinity;
  for (let j = from; j < from + n; j++) {
    const v = values[j]!;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { mean: sum / n, constant: min === max };
}

/** (x - mean) / std with the sample std (ddof=1); NaN below 2 values or when all are equal. */
export const CSZScore = csKernel('CSZScore', () => (values, from, n, results) => {
  const { mean, constant } = meanOf(values, from, n);
  if (n < 2 || constant) { results.fill(NaN, from, from + n); return; }
  let ss = 0;
  for (let j = from; j < from + n; j++) {
    const d = values[j]! - mean;
    ss += d * d;
  }
  const std = Math.sqrt(ss / (n - 1));
  for (let j = from; j < from + n; j++) results[j] = (values[j]! - mean) / std;
});

export const CSDemean = csKernel('CSDemean', () => (values, from, n, results) => {
  const { mean, constant } = meanOf(values, from, n);
  for (let j = from; j < from + n; j++) results[j] = constant ? 0 : values[j]! - mean;
});

/** x / sum |x|, NaN when every value is 0. */
export const CSScale = csKernel('CSScale', () => (values, from, n, results) => {
  let total = 0;
  for (let j = from; j < from + n; j++) total += Math.abs(values[j]!);
  for (let j = from; j < from + n; j++) results[j] = total === 0 ? NaN : values[j]! / total;
});

/** Linear-interpolated quantile of sorted[0..n) (pandas/numpy 'linear'). */
function quantileSorted(sorted: Float64Array, n: number, q: number): number {
  const position = q * (n - 1);
  const k = Math.floor(position);
  if (k === position) return sorted[k]!;
  const low = sorted[k]!, high = sorted[k + 1]!;
  return low + (high - low) * (position - k);
}

/** x clipped to the day's q and 1-q quantiles. */
export const CSWinsorize = csKernel('CSWinsorize', (args, N) => {
  const q = levelArg(args, 1, 'CSWinsorize', 0, 0.5);
  return (values, from, n, results) => {
    const sorted = sortedCopy(values, from, n, N);
    const low = quantileSorted(sorted, n, q), high = quantileSorted(sorted, n, 1 - q);
    for (let j = from; j < from + n; j++) {
      const v = values[j]!;
      results[j] = v < low ? low : v > high ? high : v;
    }
  };
});
