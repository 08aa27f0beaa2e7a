/**
 * Cross-sectional ranking: the hot loop of CSRank and of every rank metric.
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
  /** Bucket of each value, and the buckets' counts (sortForRanks). */
  readonly buckets: Int32Array;
  readonly bucketCounts: Int32Array;

  constructor(readonly capacity: number) {
    this.keys = new Float64Array(capacity);
    this.keysSwap = new Float64Array(capacity);
    this.orderSwap = new Int32Array(capacity);
    this.counts = new Int32Array(capacity);
    this.buckets = new Int32Array(capacity);
    this.bucketCounts = new Int32Array(BUCKETS_PER_VALUE * capacity);
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

/** Buckets per value in sortForRanks: more buckets, fewer out-of-order neighbours for the insertion sort. */
const BUCKETS_PER_VALUE = 2;
/** sortForRanks' S-curve is flat beyond this many standard deviations from the mean (the first and last buckets). */
const TAIL = 2.5;

/**
 * Sorts the finite values `values[0..n)` ascending into `keys[0..n)`, with
 * `order[p]` the position in `values` of `keys[p]`; equal values end up
 * adjacent in no particular order, which is all average ranks need.
 *
 * One distribution pass over 2n buckets, the bucket of v being 2n G(u) for
 * u = (v - mean) / std and G a cubic S-curve from 0 at u = -2.5 to 1 at
 * u = 2.5 (constant beyond), close enough to the normal CDF that
 * near-normal values rarely share a bucket, without the division or square
 * root a closer curve costs per value; heavy tails land in the end buckets
 * instead of squeezing the bulk into a few, as min-max interpolation
 * (sortRange) does. One insertion sort then finishes the job; if it needs
 * more than 2n moves (values far from any bell shape), sortRange sorts what
 * it left. `mean` and `std` are hints (the values' mean and standard
 * deviation, which the caller has computed anyway): any numbers, even NaN,
 * give a correct sort, only slower. `keys` must not be `scratch.keysSwap`,
 * nor `order` `scratch.orderSwap`.
 */
export function sortForRanks(
  values: Float64Array,
  n: number,
  mean: number,
  std: number,
  keys: Float64Array,
  order: Int32Array,
  scratch: RankScratch,
): void {
  const m = BUCKETS_PER_VALUE * n;
  const counts = scratch.bucketCounts;
  const bucket = scratch.buckets;
  counts.fill(0, 0, m);
  // m G(u) = m/2 + a u - c u^3 on [-TAIL, TAIL]: increasing, flat at both ends.
  const inverse = 1 / std;
  const a = (0.75 / TAIL) * m;
  const c = (0.25 / (TAIL * TAIL * TAIL)) * m;
  const middle = 0.5 * m;
  const last = m - 1;
  for (let k = 0; k < n; k++) {
    let u = (values[k]! - mean) * inverse;
    u = u > TAIL ? TAIL : u < -TAIL ? -TAIL : u;
    // NaN (from a NaN hint) stays NaN and becomes bucket 0: still a valid index.
    const at = (middle + u * (a - c * u * u)) | 0;
    const clamped = at < last ? at : last;
    bucket[k] = clamped;
    counts[clamped]!++;
  }
  // Each bucket's first position; unrolled by 4 (m is even), which halves this loop's cost.
  let next = 0;
  let b = 0;
  for (; b + 4 <= m; b += 4) {
    const c0 = counts[b]!;
    const c1 = counts[b + 1]!;
    const c2 = counts[b + 2]!;
    const c3 = counts[b + 3]!;
    counts[b] = next;
    counts[b + 1] = next + c0;
    counts[b + 2] = next + c0 + c1;
    counts[b + 3] = next + c0 + c1 + c2;
    next += c0 + c1 + c2 + c3;
  }
  for (; b < m; b++) {
    const count = counts[b]!;
    counts[b] = next;
    next += count;
  }
  for (let k = 0; k < n; k++) {
    const p = counts[bucket[k]!]!++;
    keys[p] = values[k]!;
    order[p] = k;
  }
  // Rounding may make the bucket function non-monotone by an ulp: the
  // insertion sort's correctness does not depend on it, only its speed.
  if (!insertionSortWithin(keys, order, 0, n, 2 * n)) sortRange(keys, order, 0, n, scratch, 0);
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
