/**
 * Cross-sectional ranking: the hot loop of every rank metric.
 *
 * A day holds a few hundred finite values. A comparison sort costs ~n log n
 * element moves; a distribution sort (bucket by linear interpolation between
 * the day's min and max, then recurse into crowded buckets) costs a few
 * linear passes for the near-continuous values factors produce. Skewed or
 * geometric-spread values that keep crowding one bucket fall back to a merge
 * sort after a few levels, so no input is worse than O(n log n).
 *
 * Every step is stable, so equal values keep their slot order: slots are
 * filled in instrument order, so ties are broken by instrument for bucket
 * assignment, and share their average rank (pandas' default) for ranks.
 */

/** Reusable buffers for ranking up to `capacity` values without allocating. */
export class RankScratch {
  readonly keys: Float64Array;
  readonly keysSwap: Float64Array;
  readonly orderSwap: Int32Array;
  readonly counts: Int32Array;

  constructor(readonly capacity: number) {
    this.keys = new Float64Array(capacity);
    this.keysSwap = new Float64Array(capacity);
    this.orderSwap = new Int32Array(capacity);
    this.counts = new Int32Array(capacity);
  }
}

/** Ranges at most this long are insertion-sorted. */
const SMALL_RANGE = 16;
/** Distribution levels before a crowded range falls back to merge sort. */
const MAX_DEPTH = 6;

/**
 * Ranks the finite values `values[0..n)`: writes into `order` the slots in
 * ascending value order (ties in slot order) and into `ranks[slot]` the
 * average 1-based rank (pandas `rank(method='average')`).
 */
export function rankValues(
  values: Float64Array,
  n: number,
  ranks: Float64Array,
  order: Int32Array,
  scratch: RankScratch,
): void {
  const keys = scratch.keys;
  for (let k = 0; k < n; k++) {
    keys[k] = values[k]!;
    order[k] = k;
  }
  sortRange(keys, order, 0, n, scratch, 0);
  averageRanks(keys, order, n, ranks);
}

/** ranks[order[k]] = average 1-based rank of sorted keys[k] (ties share the mean of their positions). */
function averageRanks(keys: Float64Array, order: Int32Array, n: number, ranks: Float64Array): void {
  let a = 0;
  while (a < n) {
    const v = keys[a]!;
    let b = a + 1;
    while (b < n && keys[b] === v) b++;
    const rank = (a + b + 1) / 2;
    for (let k = a; k < b; k++) ranks[order[k]!] = rank;
    a = b;
  }
}

function sortRange(
  keys: Float64Array,
  order: Int32Array,
  lo: number,
  hi: number,
  scratch: RankScratch,
  depth: number,
): void {
  const m = hi - lo;
  if (m <= SMALL_RANGE) {
    insertionSort(keys, order, lo, hi);
    return;
  }
  if (depth >= MAX_DEPTH) {
    mergeSort(keys, order, lo, hi, scratch);
    return;
  }
  let min = keys[lo]!;
  let max = min;
  for (let i = lo + 1; i < hi; i++) {
    const v = keys[i]!;
    if (v < min) min = v;
    else if (v > max) max = v;
  }
  if (min === max) return;
  // Halving keeps max - min finite for values near ±Number.MAX_VALUE; the bucket
  // index is a monotone function of the value, which is all correctness needs.
  const halfMin = min * 0.5;
  const scale = (m - 1) / (max * 0.5 - halfMin);
  if (!(scale < Infinity)) {
    // A spread below ~1e-305 (subnormal values only): no usable interpolation.
    mergeSort(keys, order, lo, hi, scratch);
    return;
  }
  const counts = scratch.counts;
  counts.fill(0, 0, m);
  for (let i = lo; i < hi; i++) counts[((keys[i]! * 0.5 - halfMin) * scale) | 0]!++;
  if (counts[0] === m) {
    // Rounding put everything in one bucket: distribution makes no progress.
    mergeSort(keys, order, lo, hi, scratch);
    return;
  }
  let next = lo;
  for (let b = 0; b < m; b++) {
    const c = counts[b]!;
    counts[b] = next;
    next += c;
  }
  const keysSwap = scratch.keysSwap;
  const orderSwap = scratch.orderSwap;
  for (let i = lo; i < hi; i++) {
    const v = keys[i]!;
    const p = counts[((v * 0.5 - halfMin) * scale) | 0]!++;
    keysSwap[p] = v;
    orderSwap[p] = order[i]!;
  }
  for (let i = lo; i < hi; i++) {
    keys[i] = keysSwap[i]!;
    order[i] = orderSwap[i]!;
  }
  // With values spread over the buckets, few are out of order within theirs:
  // one insertion sort finishes the job. Moves stay inside buckets (every
  // earlier bucket holds only smaller values), so if it gives up, the
  // buckets are still contiguous for the recursion below.
  if (insertionSortWithin(keys, order, lo, hi, 2 * m)) return;
  // Buckets are recomputed while walking, so recursion may reuse `counts`.
  let i = lo;
  while (i < hi) {
    const bucket = ((keys[i]! * 0.5 - halfMin) * scale) | 0;
    let j = i + 1;
    while (j < hi && (((keys[j]! * 0.5 - halfMin) * scale) | 0) === bucket) j++;
    if (j - i > 1) sortRange(keys, order, i, j, scratch, depth + 1);
    i = j;
  }
}

/** Stable insertion sort of [lo, hi); false, leaving it partly sorted, once more than `budget` moves were needed. */
function insertionSortWithin(keys: Float64Array, order: Int32Array, lo: number, hi: number, budget: number): boolean {
  let moves = 0;
  for (let i = lo + 1; i < hi; i++) {
    const v = keys[i]!;
    if (keys[i - 1]! <= v) continue;
    const slot = order[i]!;
    let j = i - 1;
    while (j >= lo && keys[j]! > v) {
      keys[j + 1] = keys[j]!;
      order[j + 1] = order[j]!;
      j--;
    }
    keys[j + 1] = v;
    order[j + 1] = slot;
    moves += i - 1 - j;
    if (moves > budget) return false;
  }
  return true;
}

function insertionSort(keys: Float64Array, order: Int32Array, lo: number, hi: number): void {
  for (let i = lo + 1; i < hi; i++) {
    const v = keys[i]!;
    const slot = order[i]!;
    let j = i - 1;
    while (j >= lo && keys[j]! > v) {
      keys[j + 1] = keys[j]!;
      order[j + 1] = order[j]!;
      j--;
    }
    keys[j + 1] = v;
    order[j + 1] = slot;
  }
}

/** Stable bottom-up merge sort of [lo, hi), ping-ponging through the scratch buffers. */
function mergeSort(keys: Float64Array, order: Int32Array, lo: number, hi: number, scratch: RankScratch): void {
  for (let s = lo; s < hi; s += SMALL_RANGE) insertionSort(keys, order, s, Math.min(s + SMALL_RANGE, hi));
  let srcKeys = keys;
  let srcOrder = order;
  let dstKeys = scratch.keysSwap;
  let dstOrder = scratch.orderSwap;
  for (let width = SMALL_RANGE; width < hi - lo; width *= 2) {
    for (let s = lo; s < hi; s += 2 * width) {
      const mid = Math.min(s + width, hi);
      const end = Math.min(s + 2 * width, hi);
      let a = s;
      let b = mid;
      let k = s;
      while (a < mid && b < end) {
        if (srcKeys[b]! < srcKeys[a]!) {
          dstKeys[k] = srcKeys[b]!;
          dstOrder[k++] = srcOrder[b++]!;
        } else {
          dstKeys[k] = srcKeys[a]!;
          dstOrder[k++] = srcOrder[a++]!;
        }
      }
      while (a < mid) {
        dstKeys[k] = srcKeys[a]!;
        dstOrder[k++] = srcOrder[a++]!;
      }
      while (b < end) {
        dstKeys[k] = srcKeys[b]!;
        dstOrder[k++] = srcOrder[b++]!;
      }
    }
    [srcKeys, dstKeys] = [dstKeys, srcKeys];
    [srcOrder, dstOrder] = [dstOrder, srcOrder];
  }
  if (srcKeys !== keys) {
    for (let i = lo; i < hi; i++) {
      keys[i] = srcKeys[i]!;
      order[i] = srcOrder[i]!;
    }
  }
}
