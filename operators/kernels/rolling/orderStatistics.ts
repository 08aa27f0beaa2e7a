/**
 * Rolling order statistics: Rank (pandas rolling rank, pct=True, average
 * ties), Quantile (linear interpolation), Med (pandas median) and Mad
 * (qlib's mean absolute deviation around the mean). Finite values count
 * (pandas turns +-inf into NaN). Window 0 = expanding.
 *
 * Windows up to SMALL_WINDOW days keep a sorted array (SortedWindow; the
 * engine runs slideSorted's WASM twin, assembly/sortedWindow.ts); longer
 * and expanding windows count values by rank in a Fenwick tree (ValueIndex),
 * O(log n) per day. Measured on the benchmark panel, not guessed.
 */

import { forEachSeries, forEachSeriesOf, levelArg, longestSeries, seriesArg, windowArg } from '../driver.js';
import type { Kernel, KernelArg, KernelContext, KernelFamily } from '../types.js';
import { OrderTree } from './orderTree.js';
import { SortedWindow } from './sortedWindow.js';
import { slideSortedPanel } from './sortedWindowWasm.js';
import { ValueIndex } from './valueIndex.js';

/** Longest window handled by the sorted window (at most 64: the WASM ring's positions fill four 16-byte registers). */
export const SMALL_WINDOW = 64;

// Reused between calls (kernels run one at a time per thread), grown on demand.
let valueIndex = new ValueIndex(16);
let orderTree = new OrderTree(64);

function valueIndexFor(length: number): ValueIndex {
  if (valueIndex.rankOf.length < length) valueIndex = new ValueIndex(length);
  return valueIndex;
}

function orderTreeFor(capacity: number): OrderTree {
  if (orderTree.capacity < capacity) orderTree = new OrderTree(capacity);
  orderTree.clear();
  return orderTree;
}

/** Value leaving the window on day t (NaN when the window is expanding or not yet full). */
function leavingValue(x: Float64Array, t: number, lo: number, window: number): number {
  return window > 0 && t - window >= lo ? x[t - window]! : NaN;
}

/** pandas' linear interpolation at `position` between the order statistics around it. */
function interpolate(low: number, high: number, fraction: number): number {
  return low + (high - low) * fraction;
}

/**
 * Per-day answers of one order-statistic operator from the rank index of
 * long windows; slideSorted and its WASM twin answer short windows inline,
 * with the same arithmetic.
 */
interface OrderQuery {
  /** Today's answer from the rank index (`rank` is today's value's rank, -1 if not finite). */
  indexed(v: ValueIndex, rank: number, level: number): number;
}

/** One operator asked of the shared window: its query, its level (Quantile's q) and its output. */
interface OrderRequest {
  readonly query: OrderQuery;
  readonly level: number;
  readonly out: Float64Array;
}

/**
 * Slides one window structure over x and answers every request from it each
 * day: Quantile(x, N, 0.8), Quantile(x, N, 0.2) and Rank(x, N) cost one
 * window, not three.
 */
function orderStatistics(ctx: KernelContext, x: Float64Array, window: number, requests: readonly OrderRequest[]): void {
  const m = requests.length;
  const queries = requests.map((r) => r.query);
  const levels = requests.map((r) => r.level);
  const outs = requests.map((r) => r.out);
  if (window > 0 && window <= SMALL_WINDOW) {
    const kinds = Int32Array.from(queries, (q) => (q === RANK ? RANK_KIND : q === QUANTILE ? QUANTILE_KIND : MEDIAN_KIND));
    slideSortedPanel(ctx, x, window, kinds, Float64Array.from(levels), outs);
  } else {
    const index = valueIndexFor(longestSeries(ctx));
    forEachSeriesOf(ctx, outs, (lo, hi) => {
      index.reset(x, lo, hi);
      const rankOf = index.rankOf;
      for (let t = lo; t < hi; t++) {
        if (window > 0 && t - window >= lo) {
          const r = rankOf[t - window - lo]!;
          if (r >= 0) index.add(r, -1);
        }
        const r = rankOf[t - lo]!;
        if (r >= 0) index.add(r, 1);
        for (let j = 0; j < m; j++) outs[j]![t] = queries[j]!.indexed(index, r, levels[j]!);
      }
    });
  }
}

export const RANK_KIND = 0, QUANTILE_KIND = 1, MEDIAN_KIND = 2;

/**
 * The sorted-window pass with each day's answers written inline (the
 * queries' `sorted` functions, same arithmetic): calling them through the
 * request list cost a third of the pass in polymorphic calls. The engine
 * runs its WASM twin (slideSortedPanel: a ring of values and their sorted
 * positions, no data-dependent branches); this is the reference it is
 * tested against.
 */
export function slideSorted(
  x: Float64Array, lo: number, hi: number, window: number, s: SortedWindow, kinds: Int32Array, levels: Float64Array, outs: readonly Float64Array[],
): void {
  const m = kinds.length;
  const values = s.values;
  s.n = 0;
  for (let t = lo; t < hi; t++) {
    const v = x[t]!;
    s.slide(t - window >= lo ? x[t - window]! : NaN, v);
    const n = s.n;
    for (let j = 0; j < m; j++) {
      const kind = kinds[j]!;
      let answer: number;
      if (kind === RANK_KIND) answer = s.at < 0 ? NaN : (s.lessPlusLessEqualAtInserted() + 1) / 2 / n;
      else if (n === 0) answer = NaN;
      else if (kind === QUANTILE_KIND) {
        const position = levels[j]! * (n - 1);
        const k = Math.floor(position);
        answer = k === position ? values[k]! : interpolate(values[k]!, values[k + 1]!, position - k);
      } else {
        const mid = n >>> 1;
        answer = n % 2 === 1 ? values[mid]! : (values[mid]! + values[mid - 1]!) / 2;
      }
      outs[j]![t] = answer;
    }
  }
}

/** Percentile of today's value, ties averaged: (less + lessOrEqual + 1) / 2 / n; NaN if today is missing. */
const RANK: OrderQuery = {
  indexed: (v, r) => (r < 0 ? NaN : (2 * v.below(r) + v.countAt(r) + 1) / 2 / v.n),
};

/** pandas rolling quantile, interpolation='linear': position q*(n-1) between order statistics. */
const QUANTILE: OrderQuery = {
  indexed: (v, _r, q) => {
    const n = v.n;
    if (n === 0) return NaN;
    const position = q * (n - 1);
    const k = Math.floor(position);
    return k === position ? v.kth(k) : interpolate(v.kth(k), v.kth(k + 1), position - k);
  },
};

/** pandas rolling median: the middle value, or the mean of the two middle values. */
const MEDIAN: OrderQuery = {
  indexed: (v) => {
    const n = v.n, mid = n >>> 1;
    return n === 0 ? NaN : n % 2 === 1 ? v.kth(mid) : (v.kth(mid) + v.kth(mid - 1)) / 2;
  },
};

/** Each member's query and how its level is read from its arguments (validated as its own kernel does). */
const ORDER_MEMBERS: Readonly<Record<string, { query: OrderQuery; level: (args: readonly KernelArg[]) => number }>> = {
  Rank: { query: RANK, level: () => 0 },
  Quantile: { query: QUANTILE, level: (args) => levelArg(args, 2, 'Quantile', 0, 1) },
  Med: { query: MEDIAN, level: () => 0 },
};

/** Quantile, Rank and Med over the same series and window, in one pass. */
export const ORDER_FAMILY: KernelFamily = {
  name: 'order',
  shared: { Quantile: 2, Rank: 2, Med: 2 },
  kernel: (ctx, shared, requests) => {
    const op = requests[0]?.op ?? 'Rank';
    const x = seriesArg(ctx, shared, 0, op);
    const window = windowArg(shared, 1, op);
    const asked = requests.map((r) => {
      const member = ORDER_MEMBERS[r.op];
      if (!member) throw new TypeError(`order family: ${r.op} is not a member`);
      return { query: member.query, level: member.level([...shared, ...r.params]), out: r.out };
    });
    if (asked.length > 0) orderStatistics(ctx, x, window, asked);
  },
};

function memberKernel(op: string): Kernel {
  return (ctx, args, out) => ORDER_FAMILY.kernel(ctx, args.slice(0, 2), [{ op, params: args.slice(2), out }]);
}

export const Rank = memberKernel('Rank');
export const Quantile = memberKernel('Quantile');
export const Med = memberKernel('Med');

/**
 * qlib's Mad: mean(|x - mean(x)|) over the window's finite values.
 *
 * Short windows compute it directly each day (two passes over at most
 * SMALL_WINDOW values: the same arithmetic as numpy, and on the benchmark
 * faster than any O(log n) structure at these sizes). Long and expanding
 * windows use an order-statistic tree with subtree sums:
 *   (sum over x > m of (x - m) + sum over x < m of (m - x)) / n
 * from two O(log n) descents, values stored minus the instrument's first
 * finite value (a causal shift) so sums of large prices keep the deviations.
 */
export const Mad: Kernel = (ctx, args, out) => {
  const x = seriesArg(ctx, args, 0, 'Mad');
  const window = windowArg(args, 1, 'Mad');
  if (window > 0 && window <= SMALL_WINDOW) {
    forEachSeries(ctx, out, (lo, hi) => {
      for (let t = lo; t < hi; t++) {
        const w = t - window + 1 > lo ? t - window + 1 : lo;
        let n = 0, sum = 0;
        for (let j = w; j <= t; j++) {
          const v = x[j]!;
          if (Number.isFinite(v)) { n++; sum += v; }
        }
        if (n === 0) { out[t] = NaN; continue; }
        const m = sum / n;
        let dev = 0;
        for (let j = w; j <= t; j++) {
          const v = x[j]!;
          if (Number.isFinite(v)) dev += Math.abs(v - m);
        }
        out[t] = dev / n;
      }
    });
    return;
  }
  const len = longestSeries(ctx);
  const tree = orderTreeFor(window > 0 ? Math.min(window, len) : len);
  forEachSeries(ctx, out, (lo, hi) => {
    tree.clear();
    let K = NaN;
    for (let t = lo; t < hi; t++) {
      const u = leavingValue(x, t, lo, window);
      if (Number.isFinite(u)) tree.remove(u - K);
      const v = x[t]!;
      if (Number.isFinite(v)) {
        if (K !== K) K = v;
        tree.insert(v - K);
      }
      const n = tree.count;
      if (n === 0) { out[t] = NaN; continue; }
      const m = tree.total / n;
      const sumUp = tree.sumAbove(m);
      const nUp = tree.lastCount;
      const sumDown = tree.sumBelow(m);
      const nDown = tree.lastCount;
      out[t] = (sumUp - nUp * m + (nDown * m - sumDown)) / n;
    }
  });
};
