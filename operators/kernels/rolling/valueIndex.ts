/**
 * Counts of one instrument's values by rank, for long and expanding windows:
 * the instrument's distinct finite values are sorted once, each day's value
 * is mapped to its rank, and a Fenwick tree over ranks counts the window's
 * values. Insert, remove, "how many below" and "k-th smallest" are O(log U)
 * with loops that do not branch on the data (except the k-th descent).
 *
 * Every answer is an integer count or one of the actual values, so it is
 * exactly the same whatever values come later (the rank table sees the whole
 * series, but only as a lookup: no rounding depends on it).
 */
export class ValueIndex {
  /** Sorted distinct finite values of the current series. */
  private readonly sorted: Float64Array;
  /** Rank of each day's value (offset from the series start), -1 when not finite. */
  readonly rankOf: Int32Array;
  private readonly tree: Int32Array;
  private readonly counts: Int32Array;
  private distinct = 0;
  private topBit = 1;
  /** Values held. */
  n = 0;

  constructor(capacity: number) {
    this.sorted = new Float64Array(capacity);
    this.rankOf = new Int32Array(capacity);
    this.tree = new Int32Array(capacity + 1);
    this.counts = new Int32Array(capacity);
  }

  /** Prepares for the series x[lo..hi) and empties the window. */
  reset(x: Float64Array, lo: number, hi: number): void {
    const { sorted, rankOf } = this;
    let m = 0;
    for (let t = lo; t < hi; t++) {
      const v = x[t]!;
      if (Number.isFinite(v)) sorted[m++] = v;
    }
    sorted.subarray(0, m).sort();
    let u = 0;
    for (let j = 0; j < m; j++) if (u === 0 || sorted[j] !== sorted[u - 1]) sorted[u++] = sorted[j]!;
    this.distinct = u;
    for (let t = lo; t < hi; t++) {
      const v = x[t]!;
      rankOf[t - lo] = Number.isFinite(v) ? this.search(v) : -1;
    }
    this.tree.fill(0, 0, u + 1);
    this.counts.fill(0, 0, u);
    let bit = 1;
    while (bit * 2 <= u) bit *= 2;
    this.topBit = bit;
    this.n = 0;
  }

  /** Adds (delta 1) or removes (delta -1) one value of rank r. */
  add(r: number, delta: number): void {
    this.counts[r] += delta;
    this.n += delta;
    const tree = this.tree, u = this.distinct;
    for (let i = r + 1; i <= u; i += i & -i) tree[i] += delta;
  }

  /** Number of held values with rank < r. */
  below(r: number): number {
    const tree = this.tree;
    let c = 0;
    for (let i = r; i > 0; i -= i & -i) c += tree[i]!;
    return c;
  }

  /** Held values of rank r. */
  countAt(r: number): number {
    return this.counts[r]!;
  }

  /** The k-th smallest held value, k = 0 .. n-1 (Fenwick descent). */
  kth(k: number): number {
    const tree = this.tree, u = this.distinct;
    let pos = 0;
    for (let step = this.topBit; step > 0; step >>= 1) {
      const next = pos + step;
      if (next <= u && tree[next]! <= k) {
        pos = next;
        k -= tree[next]!;
      }
    }
    return this.sorted[pos]!;
  }

  private search(v: number): number {
    const s = this.sorted;
    let a = 0, b = this.distinct;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (s[mid]! < v) a = mid + 1;
      else b = mid;
    }
    return a;
  }
}
